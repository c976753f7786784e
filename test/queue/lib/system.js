'use strict';
// Redis and PostgreSQL server programs for the queue-mode run: found where Debian's packages put
// them, installed with apt-get when missing (root only). Runs outside the network namespace.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const POLICY_RC_D = '/usr/sbin/policy-rc.d';

/** The first file named `name` on PATH (or in the sbin folders), else null. */
function onPath(name) {
	const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/bin', '/usr/local/bin'];
	for (const dir of dirs) {
		const file = path.join(dir, name);
		try {
			fs.accessSync(file, fs.constants.X_OK);
			return file;
		} catch {
			// not here
		}
	}
	return null;
}

/**
 * PostgreSQL's server programs (initdb, postgres, psql, pg_dump): Debian keeps them in
 * /usr/lib/postgresql/<major>/bin, off PATH. The newest major with initdb wins; else PATH.
 */
function postgresBin() {
	const root = '/usr/lib/postgresql';
	const majors = fs.existsSync(root)
		? fs
				.readdirSync(root)
				.filter((v) => /^\d+$/.test(v) && fs.existsSync(path.join(root, v, 'bin', 'initdb')))
				.sort((a, b) => Number(b) - Number(a))
		: [];
	if (majors.length) return path.join(root, majors[0], 'bin');
	const initdb = onPath('initdb');
	return initdb ? path.dirname(fs.realpathSync(initdb)) : null;
}

/** {redisServer, pgBin} as found now (null where missing). */
function findServers() {
	return { redisServer: onPath('redis-server'), pgBin: postgresBin() };
}

function aptGet(args, timeoutMs) {
	const r = spawnSync('apt-get', args, {
		stdio: ['ignore', 'inherit', 'inherit'],
		env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
		timeout: timeoutMs,
	});
	if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} exited ${r.status ?? r.signal}`);
}

/**
 * Installs redis-server and/or postgresql with apt-get when missing (apt-get update first).
 * Debian's packages would start system-wide services (Redis on 6379, a PostgreSQL cluster on
 * 5432) that this run never uses: when no policy-rc.d exists, one that refuses service starts is
 * put in place for the install and removed after it. Returns what was installed.
 */
function ensureServers({ log = console.log } = {}) {
	const found = findServers();
	const missing = [...(found.redisServer ? [] : ['redis-server']), ...(found.pgBin ? [] : ['postgresql'])];
	if (!missing.length) return { installed: [], ...found };
	if (process.getuid?.() !== 0) {
		throw new Error(`${missing.join(' and ')} missing; install them (apt-get install ${missing.join(' ')}) or run as root`);
	}
	if (!onPath('apt-get')) throw new Error(`${missing.join(' and ')} missing and there is no apt-get to install them`);
	const placedPolicy = !fs.existsSync(POLICY_RC_D);
	if (placedPolicy) fs.writeFileSync(POLICY_RC_D, '#!/bin/sh\n# placed by n8n-nodes-portalduct test/queue for one apt-get install\nexit 101\n', { mode: 0o755 });
	try {
		log(`     [setup] apt-get install ${missing.join(' ')} (missing)`);
		aptGet(['update'], 10 * 60_000);
		aptGet(['install', '-y', '--no-install-recommends', ...missing], 15 * 60_000);
	} finally {
		if (placedPolicy) fs.rmSync(POLICY_RC_D, { force: true });
	}
	const after = findServers();
	if (!after.redisServer || !after.pgBin) throw new Error(`still missing after apt-get: ${JSON.stringify(after)}`);
	return { installed: missing, ...after };
}

/** The uid and gid of a system user (the postgres user that the packages create). */
function userIds(name) {
	const line = fs
		.readFileSync('/etc/passwd', 'utf8')
		.split('\n')
		.find((l) => l.startsWith(`${name}:`));
	if (!line) throw new Error(`no user ${name} in /etc/passwd`);
	const [, , uid, gid, , home] = line.split(':');
	return { uid: Number(uid), gid: Number(gid), home };
}

module.exports = { ensureServers, findServers, postgresBin, userIds, onPath };
