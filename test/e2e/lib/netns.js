'use strict';
// Runs a command in a fresh network namespace that has only loopback, so nothing it starts
// (n8n, npm, the sandbox) can reach beyond this machine. Needs root (or user namespaces).
const fs = require('node:fs');

/** [command, args] that run `cmd args...` inside a new loopback-only network namespace. */
function wrapInNetns(cmd, args) {
	// `exec "$0" "$@"` keeps the real program as the process, without shell quoting of args.
	return ['unshare', ['--net', '--', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"', cmd, ...args]];
}

/** Network interfaces of this process's namespace (inside ours: only "lo"). /proc/net follows
 * the caller's namespace; /sys/class/net does not (it shows the mount's). */
function interfaces() {
	return fs
		.readFileSync('/proc/net/dev', 'utf8')
		.split('\n')
		.slice(2)
		.map((l) => l.split(':')[0].trim())
		.filter(Boolean)
		.sort();
}

/** Pids of the other processes in this process's network namespace (ours alone under unshare). */
function otherPidsInMyNetns() {
	const mine = fs.readlinkSync('/proc/self/ns/net');
	const pids = [];
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
		try {
			if (fs.readlinkSync(`/proc/${entry}/ns/net`) === mine) pids.push(Number(entry));
		} catch {
			// exited meanwhile, or not ours to read
		}
	}
	return pids;
}

module.exports = { wrapInNetns, interfaces, otherPidsInMyNetns };
