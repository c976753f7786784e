'use strict';
// Child processes for the e2e: every wait is bounded, and every process is stopped by its own pid.
const fs = require('node:fs');
const { spawn } = require('node:child_process');

/** Runs a command to completion; resolves (never rejects) with its exit, output and duration. */
function run(cmd, args, { env, cwd, timeoutMs = 180_000 } = {}) {
	const started = Date.now();
	return new Promise((resolve) => {
		const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		let timedOut = false;
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		const timer = setTimeout(() => {
			timedOut = true;
			for (const pid of [...descendants(child.pid), child.pid]) {
				try {
					process.kill(pid, 'SIGKILL');
				} catch {
					// gone already
				}
			}
		}, timeoutMs);
		child.on('error', (error) => {
			clearTimeout(timer);
			resolve({ code: null, signal: null, stdout, stderr: stderr + String(error), timedOut, ms: Date.now() - started });
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({ code, signal, stdout, stderr, timedOut, ms: Date.now() - started });
		});
	});
}

/** Throws with the output tail unless the command exited 0. */
async function runOk(cmd, args, options) {
	const result = await run(cmd, args, options);
	if (result.code !== 0) {
		const what = result.timedOut ? `timed out after ${options?.timeoutMs ?? 180_000} ms` : `exited ${result.code}`;
		throw new Error(`${[cmd, ...args].join(' ')} ${what}\n${tail(result.stdout + result.stderr)}`);
	}
	return result;
}

/**
 * Starts a long-running process whose pid is the program itself (no shell in between), output
 * appended to logFile; `uid`/`gid` run it as another user (PostgreSQL refuses root).
 */
function startBackground(cmd, args, { uid, gid, env, cwd, logFile }) {
	const log = fs.openSync(logFile, 'a');
	const child = spawn(cmd, args, { uid, gid, env, cwd, stdio: ['ignore', log, log] });
	fs.closeSync(log);
	const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
	let alive = true;
	exited.then(() => (alive = false));
	return {
		pid: child.pid,
		exited,
		isAlive: () => alive,
		/** Last resort when our own process is going down: SIGKILL the tree now, synchronously. */
		killNow() {
			for (const pid of [child.pid, ...descendants(child.pid)]) {
				try {
					process.kill(pid, 'SIGKILL');
				} catch {
					// gone already
				}
			}
		},
		/** `signal`, then SIGKILL after graceMs; also stops any child it left behind, by pid. */
		async stop(graceMs = 20_000, signal = 'SIGTERM') {
			const orphans = descendants(child.pid);
			if (alive) process.kill(child.pid, signal);
			const forced = await Promise.race([exited.then(() => false), sleep(graceMs).then(() => true)]);
			if (forced && alive) process.kill(child.pid, 'SIGKILL');
			const exit = await exited;
			for (const pid of orphans) {
				try {
					process.kill(pid, 'SIGKILL');
				} catch {
					// already gone, which is the normal case
				}
			}
			return { ...exit, forced };
		},
	};
}

/** Pids of a process's descendants, read from /proc (Linux). */
function descendants(pid) {
	const out = [];
	const walk = (p) => {
		let kids = [];
		try {
			for (const task of fs.readdirSync(`/proc/${p}/task`)) {
				kids.push(...fs.readFileSync(`/proc/${p}/task/${task}/children`, 'utf8').split(/\s+/).filter(Boolean).map(Number));
			}
		} catch {
			kids = [];
		}
		for (const k of kids) {
			out.push(k);
			walk(k);
		}
	};
	walk(pid);
	return out;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls fn until it returns a truthy value or the deadline passes; returns the last value. */
async function waitFor(fn, { timeoutMs = 30_000, intervalMs = 250 } = {}) {
	const deadline = Date.now() + timeoutMs;
	let last;
	for (;;) {
		try {
			last = await fn();
		} catch (error) {
			last = undefined;
			// A fatal error (the process died) ends the wait at once; others are retried.
			if (error?.fatal || Date.now() >= deadline) throw error;
		}
		if (last || Date.now() >= deadline) return last;
		await sleep(intervalMs);
	}
}

/** An error that stops waitFor at once instead of being retried. */
const fatal = (message) => Object.assign(new Error(message), { fatal: true });

const tail = (text, lines = 30) => String(text).trimEnd().split('\n').slice(-lines).join('\n');

module.exports = { run, runOk, startBackground, descendants, sleep, waitFor, fatal, tail };
