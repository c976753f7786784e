'use strict';
// Loaded into `n8n start` with `node --require` (bench only): counts how often n8n decrypts a
// stored credential, i.e. calls to Credentials.prototype.getData of the n8n-core copy that n8n
// itself loads (resolved from the n8n install). On SIGUSR2 and at exit it writes
// {pid, seq, getData, patched} to <PORTALDUCT_BENCH_COUNT_DIR>/credential-loads-<pid>.json.
// Nothing is loaded early: the prototype is patched right after n8n first requires that module.
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');

const dir = process.env.PORTALDUCT_BENCH_COUNT_DIR;
const n8nPackage = process.env.PORTALDUCT_BENCH_N8N_PACKAGE; // <install>/node_modules/n8n

function install() {
	let target;
	try {
		target = path.join(path.dirname(require.resolve('n8n-core', { paths: [n8nPackage] })), 'credentials.js');
	} catch {
		return; // not an n8n process (e.g. a task runner that inherited the flag): nothing to count
	}
	const counts = { pid: process.pid, seq: 0, getData: 0, patched: false, target };
	const file = path.join(dir, `credential-loads-${process.pid}.json`);
	const write = () => {
		try {
			fs.writeFileSync(file, JSON.stringify(counts));
		} catch {
			// the bench reads what it can
		}
	};

	const load = Module._load;
	// Left in place once done (another hook may have wrapped it since): then a flag test per require.
	Module._load = function patchedLoad(...args) {
		const exported = load.apply(this, args);
		if (counts.patched) return exported;
		const loaded = require.cache[target];
		if (loaded && loaded.loaded !== false && loaded.exports?.Credentials?.prototype?.getData) {
			const proto = loaded.exports.Credentials.prototype;
			const getData = proto.getData;
			proto.getData = function countedGetData(...callArgs) {
				counts.getData++;
				return getData.apply(this, callArgs);
			};
			counts.patched = true;
		}
		return exported;
	};

	process.on('SIGUSR2', () => {
		counts.seq++;
		write();
	});
	process.on('exit', write);
}

if (dir && n8nPackage) install();
