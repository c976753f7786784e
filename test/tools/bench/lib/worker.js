'use strict';
// A measuring process of the benchmark (sandbox host, engine runner, raw axios client), driven
// over Node's IPC channel: one call at a time, every call bounded, the process stopped by its pid.
const { fork } = require('node:child_process');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Forks `script` and returns a handle: call(cmd, args, timeoutMs) -> the handler's result,
 * stop() -> asks it to exit, SIGKILLs its pid after graceMs.
 */
function startWorker(script, { name, args = [], execPath = process.execPath, env = process.env } = {}) {
	const child = fork(script, args, { execPath, env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
	const label = `${name ?? script} (pid ${child.pid})`;
	const pending = new Map();
	let seq = 0;
	let alive = true;
	child.on('message', (m) => {
		const p = pending.get(m?.id);
		if (!p) return;
		pending.delete(m.id);
		clearTimeout(p.timer);
		if (m.ok) p.resolve(m.result);
		else p.reject(new Error(`${label}: ${m.error}`));
	});
	const exited = new Promise((resolve) =>
		child.on('exit', (code, signal) => {
			alive = false;
			for (const p of pending.values()) {
				clearTimeout(p.timer);
				p.reject(new Error(`${label} exited (${code ?? signal}) during a call`));
			}
			pending.clear();
			resolve({ code, signal });
		}),
	);
	child.on('error', () => undefined); // reported through exit / call timeouts
	return {
		pid: child.pid,
		name: label,
		isAlive: () => alive,
		call(cmd, callArgs = {}, timeoutMs = 120_000) {
			if (!alive) return Promise.reject(new Error(`${label} is not running`));
			const id = ++seq;
			return new Promise((resolve, reject) => {
				const timer = setTimeout(() => {
					pending.delete(id);
					reject(new Error(`${label}: "${cmd}" took longer than ${timeoutMs} ms; killing pid ${child.pid}`));
					try {
						process.kill(child.pid, 'SIGKILL');
					} catch {
						// gone already
					}
				}, timeoutMs);
				pending.set(id, { resolve, reject, timer });
				child.send({ id, cmd, args: callArgs });
			});
		},
		async stop(graceMs = 5_000) {
			if (alive) {
				try {
					child.send({ id: 0, cmd: 'exit' });
				} catch {
					// channel closed: the kill below decides
				}
			}
			const forced = await Promise.race([exited.then(() => false), sleep(graceMs).then(() => true)]);
			if (forced && alive) {
				try {
					process.kill(child.pid, 'SIGKILL');
				} catch {
					// gone meanwhile
				}
			}
			return exited;
		},
		/** Synchronous last resort when the orchestrator itself is going down. */
		killNow() {
			if (!alive) return;
			try {
				process.kill(child.pid, 'SIGKILL');
			} catch {
				// gone already
			}
		},
	};
}

/** The worker side: answers {id, cmd, args} with handlers[cmd](args); "exit" ends the process. */
function serve(handlers) {
	process.on('disconnect', () => process.exit(0)); // the orchestrator is gone: so are we
	process.on('message', async (m) => {
		if (m?.cmd === 'exit') {
			try {
				await handlers.exit?.();
			} finally {
				process.exit(0);
			}
			return;
		}
		const handler = handlers[m?.cmd];
		try {
			if (!handler) throw new Error(`unknown command ${m?.cmd}`);
			const result = await handler(m.args ?? {});
			process.send({ id: m.id, ok: true, result });
		} catch (error) {
			process.send({ id: m.id, ok: false, error: error?.stack ?? String(error) });
		}
	});
}

/** Peak and current memory of this process, in bytes. */
function memory() {
	return { maxRss: process.resourceUsage().maxRSS * 1024, rss: process.memoryUsage().rss };
}

module.exports = { startWorker, serve, memory, sleep };
