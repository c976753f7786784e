'use strict';
// Running a suite's inner part (usually inside the loopback-only namespace) from its outer runner:
// shared by the e2e, queue-mode, Docker recipe and benchmark runners.
const net = require('node:net');
const { spawn } = require('node:child_process');

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Spawns `cmd args`, echoes its stdout lines, and resolves with the JSON it prints on a line
 * `<marker> {...}`, or `fallback(exitCode)` when it printed none. Signals this process gets are
 * passed on (the inner part stops its own processes by pid); after `timeoutMs` it gets SIGTERM,
 * then SIGKILL 30 s later. `onTimeout()` may print why.
 */
function runInner({ cmd, args, marker, timeoutMs, fallback, onSignal = () => undefined, onTimeout = () => undefined }) {
	return new Promise((resolve) => {
		const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
		let result;
		let buffered = '';
		child.stdout.on('data', (chunk) => {
			buffered += chunk;
			const lines = buffered.split('\n');
			buffered = lines.pop();
			for (const line of lines) {
				if (line.startsWith(`${marker} `)) result = JSON.parse(line.slice(marker.length + 1));
				else console.log(line);
			}
		});
		const forward = (signal) => {
			onSignal(signal);
			child.kill(signal);
		};
		for (const signal of SIGNALS) process.on(signal, forward);
		process.stdout.on('error', () => undefined); // a closed reader must not kill us mid-run
		const timer = setTimeout(() => {
			onTimeout(child.pid);
			child.kill('SIGTERM');
			setTimeout(() => child.kill('SIGKILL'), 30_000).unref();
		}, timeoutMs);
		child.on('close', (code) => {
			clearTimeout(timer);
			for (const signal of SIGNALS) process.off(signal, forward);
			resolve(result ?? fallback(code));
		});
	});
}

/** Resolves with a port nobody listens on (bound and released on 127.0.0.1). */
function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer().listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
		server.on('error', reject);
	});
}

module.exports = { runInner, freePort };
