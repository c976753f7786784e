'use strict';
// Preload for real n8n under the profiler (node --require n8n-profiler.js n8n start): the first
// SIGUSR2 starts a CPU profile of n8n's main thread (node:inspector, in process), the next stops
// it and writes $PORTALDUCT_PROFILE_DIR/profile-<n>.cpuprofile. Only the runs between the two
// signals are in the profile, not n8n's start-up.
const fs = require('node:fs');
const inspector = require('node:inspector');
const path = require('node:path');

const dir = process.env.PORTALDUCT_PROFILE_DIR;
const session = new inspector.Session();
session.connect();
let running = false;
let n = 0;

const post = (method, params) =>
	new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));

process.on('SIGUSR2', async () => {
	try {
		if (!running) {
			running = true;
			n++;
			await post('Profiler.enable');
			await post('Profiler.setSamplingInterval', { interval: 200 }); // µs
			await post('Profiler.start');
			fs.writeFileSync(path.join(dir, `started-${n}`), '');
		} else {
			const { profile } = await post('Profiler.stop');
			running = false;
			fs.writeFileSync(path.join(dir, `profile-${n}.cpuprofile.tmp`), JSON.stringify(profile));
			fs.renameSync(path.join(dir, `profile-${n}.cpuprofile.tmp`), path.join(dir, `profile-${n}.cpuprofile`));
		}
	} catch (error) {
		fs.writeFileSync(path.join(dir, `error-${n}`), String(error?.stack ?? error));
	}
});
