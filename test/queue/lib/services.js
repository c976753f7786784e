'use strict';
// Redis (the Bull queue) and a throwaway PostgreSQL cluster for n8n's queue mode, each one child
// process of ours on a free loopback port, stopped by its pid. PostgreSQL runs as the postgres user
// (initdb refuses root) in a temp folder: initdb, then `postgres` itself in the foreground (no
// pg_ctl, so the pid we hold is the postmaster's).
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { startBackground, tail, waitFor } = require('../../e2e/lib/proc');
const { userIds } = require('./system');

/** Like e2e's run(), with an optional uid/gid: resolves {code, stdout, stderr, timedOut}; never rejects. */
function runAs(cmd, args, { uid, gid, env, cwd, timeoutMs = 60_000, input } = {}) {
	return new Promise((resolve) => {
		const child = spawn(cmd, args, { uid, gid, env, cwd, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		let timedOut = false;
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		if (input !== undefined) child.stdin.end(input);
		const timer = setTimeout(() => {
			timedOut = true;
			child.kill('SIGKILL');
		}, timeoutMs);
		child.on('error', (error) => {
			clearTimeout(timer);
			resolve({ code: null, stdout, stderr: stderr + String(error), timedOut });
		});
		child.on('close', (code) => {
			clearTimeout(timer);
			resolve({ code, stdout, stderr, timedOut });
		});
	});
}

async function runAsOk(cmd, args, options) {
	const r = await runAs(cmd, args, options);
	if (r.code !== 0) throw new Error(`${[cmd, ...args].join(' ')} ${r.timedOut ? 'timed out' : `exited ${r.code}`}\n${tail(r.stdout + r.stderr)}`);
	return r;
}



/** One RESP PING over TCP: true on +PONG. */
function redisPing(port) {
	return new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		let answer = '';
		const done = (ok) => {
			socket.destroy();
			resolve(ok);
		};
		socket.setTimeout(2_000, () => done(false));
		socket.on('error', () => done(false));
		socket.on('connect', () => socket.write('PING\r\n'));
		socket.on('data', (d) => {
			answer += d;
			if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
		});
	});
}

class Redis {
	constructor({ bin, dir, port }) {
		Object.assign(this, { bin, dir, port, logFile: path.join(dir, 'redis.log') });
	}

	async start() {
		fs.mkdirSync(this.dir, { recursive: true });
		// No persistence, loopback only; --dir keeps anything it might write in our temp folder.
		this.process = startBackground(
			this.bin,
			['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', this.dir],
			{ cwd: this.dir, logFile: this.logFile },
		);
		const up = await waitFor(
			async () => {
				if (!this.process.isAlive()) throw Object.assign(new Error(`redis-server exited\n${this.logTail()}`), { fatal: true });
				return await redisPing(this.port);
			},
			{ timeoutMs: 30_000, intervalMs: 100 },
		);
		if (!up) throw new Error(`redis-server does not answer PING on ${this.port}\n${this.logTail()}`);
	}

	stop() {
		return this.process ? this.process.stop(10_000, 'SIGTERM') : undefined;
	}

	logTail() {
		return readTail(this.logFile);
	}
}

class Postgres {
	/** @param bin the folder with initdb, postgres, psql, pg_dump; dir: a new folder (made postgres-owned) */
	constructor({ bin, dir, port, database = 'n8n' }) {
		Object.assign(this, { bin, dir, port, database, logFile: path.join(dir, 'postgres.log') });
		this.data = path.join(dir, 'data');
		this.user = userIds('postgres');
	}

	get asUser() {
		const { uid, gid, home } = this.user;
		return { uid, gid, cwd: this.dir, env: { PATH: process.env.PATH, HOME: home, LANG: 'C' } };
	}

	async start() {
		fs.mkdirSync(this.dir, { recursive: true });
		fs.chownSync(this.dir, this.user.uid, this.user.gid);
		// A throwaway cluster: trust on loopback, no fsync (nothing here must survive a crash).
		await runAsOk(path.join(this.bin, 'initdb'), ['-D', this.data, '-U', 'postgres', '--auth=trust', '--no-locale', '-E', 'UTF8', '--no-sync'], {
			...this.asUser,
			timeoutMs: 120_000,
		});
		fs.writeFileSync(this.logFile, '');
		fs.chownSync(this.logFile, this.user.uid, this.user.gid);
		this.process = startBackground(
			path.join(this.bin, 'postgres'),
			[
				'-D', this.data,
				'-p', String(this.port),
				'-c', 'listen_addresses=127.0.0.1',
				'-c', `unix_socket_directories=${this.dir}`,
				'-c', 'fsync=off',
				'-c', 'synchronous_commit=off',
				'-c', 'full_page_writes=off',
				'-c', 'max_connections=100',
			],
			{ ...this.asUser, logFile: this.logFile },
		);
		const up = await waitFor(
			async () => {
				if (!this.process.isAlive()) throw Object.assign(new Error(`postgres exited\n${this.logTail()}`), { fatal: true });
				return (await this.psql('SELECT 1', { database: 'postgres', timeoutMs: 5_000 })).code === 0;
			},
			{ timeoutMs: 60_000, intervalMs: 200 },
		);
		if (!up) throw new Error(`postgres does not answer on ${this.port}\n${this.logTail()}`);
		await this.psqlOk(`CREATE DATABASE ${this.database}`, { database: 'postgres' });
	}

	/** psql -At as the postgres role over TCP (trust), as root: no password. */
	psql(sql, { database = this.database, timeoutMs = 60_000 } = {}) {
		return runAs(path.join(this.bin, 'psql'), ['-h', '127.0.0.1', '-p', String(this.port), '-U', 'postgres', '-d', database, '-v', 'ON_ERROR_STOP=1', '-At', '-c', sql], {
			env: { PATH: process.env.PATH, PGCONNECT_TIMEOUT: '5' },
			timeoutMs,
		});
	}

	async psqlOk(sql, options) {
		const r = await this.psql(sql, options);
		if (r.code !== 0) throw new Error(`psql ${sql}: exit ${r.code}\n${tail(r.stderr)}`);
		return r.stdout;
	}

	/** Every row of every table, as pg_dump --data-only prints it. */
	async dumpData() {
		const r = await runAs(path.join(this.bin, 'pg_dump'), ['-h', '127.0.0.1', '-p', String(this.port), '-U', 'postgres', '--data-only', this.database], {
			env: { PATH: process.env.PATH },
			timeoutMs: 120_000,
		});
		if (r.code !== 0) throw new Error(`pg_dump exited ${r.code}\n${tail(r.stderr)}`);
		return r.stdout;
	}

	/** SIGINT is PostgreSQL's "fast" shutdown: sessions are ended, the cluster closes cleanly. */
	stop() {
		return this.process ? this.process.stop(20_000, 'SIGINT') : undefined;
	}

	logTail() {
		return readTail(this.logFile);
	}
}

function readTail(file, lines = 20) {
	try {
		return tail(fs.readFileSync(file, 'utf8'), lines);
	} catch {
		return `(no ${path.basename(file)})`;
	}
}

const { freePort } = require('../../e2e/lib/inner-run');

module.exports = { Redis, Postgres, freePort, runAs, startBackground };
