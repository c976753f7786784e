'use strict';
// n8n 2.x in queue mode: one main (`n8n start`), workers (`n8n worker --concurrency=N`) and webhook
// processes (`n8n webhook`) sharing Redis (Bull) and PostgreSQL, each with a user folder of its
// own holding the installed package. Built on the e2e's N8nInstance (same throwaway settings).
const fs = require('node:fs');
const path = require('node:path');
const { N8nInstance } = require('../../e2e/lib/n8n');
const { request } = require('../../e2e/lib/http');
const { startBackground, waitFor, fatal } = require('../../e2e/lib/proc');

const WORKER_CONCURRENCY = 5;

/**
 * V8's old-space cap per process (MB). Without one, V8 sizes the heap from the machine's memory
 * and collects lazily: five processes kept ~400-500 MB each of boot garbage on a 24 GB machine.
 */
const HEAP_MB = { main: 384, worker: 256, webhook: 256 };

class QueueN8n extends N8nInstance {
	/**
	 * @param role 'main' | 'worker' | 'webhook'
	 * @param name label for logs ("worker-1")
	 * @param shared {redisPort, pgPort, database}
	 * @param webhookUrl the base URL this process computes webhook URLs with (N8N_WEBHOOK_URL)
	 * @param healthPort workers: the worker server's port (/healthz/readiness)
	 */
	constructor({ role, name, line, userFolder, port, brokerPort, healthPort, shared, webhookUrl }) {
		super({ line, userFolder, port, brokerPort });
		Object.assign(this, { role, name, healthPort, shared, webhookUrl });
		this.logFile = path.join(userFolder, `n8n-${name}.log`);
	}

	env() {
		const base = super.env();
		const { redisPort, pgPort, database } = this.shared;
		return {
			...base,
			[this.line.webhookUrlVariable]: this.webhookUrl,
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redisPort),
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(pgPort),
			DB_POSTGRESDB_DATABASE: database,
			DB_POSTGRESDB_USER: 'postgres',
			DB_POSTGRESDB_PASSWORD: '',
			// Runs started from the editor or REST go to the workers too (not run by main).
			OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
			EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'true',
			NODE_OPTIONS: `--max-old-space-size=${HEAP_MB[this.role]}`,
			N8N_LOG_LEVEL: 'info', // workers log "Worker started execution <id>": which process ran what
			...(this.role === 'main' ? { N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true' } : {}),
			...(this.role === 'worker'
				? {
						QUEUE_HEALTH_CHECK_ACTIVE: 'true',
						QUEUE_HEALTH_CHECK_PORT: String(this.healthPort),
						N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
					}
				: {}),
		};
	}

	/** The n8n command of this role, in the background; its node process is the pid we stop. */
	start() {
		if (this.server?.isAlive()) throw new Error(`${this.name} is already running`);
		const command = { main: ['start'], worker: ['worker', `--concurrency=${WORKER_CONCURRENCY}`], webhook: ['webhook'] }[this.role];
		this.server = startBackground(this.line.node, [this.line.n8nBin, ...command], {
			env: this.env(),
			cwd: this.userFolder,
			logFile: this.logFile,
		});
		return this.server;
	}

	/** main: readiness and the REST API; worker: its health server; webhook: its readiness. */
	async waitReady(timeoutMs = 240_000) {
		if (this.role === 'main') return await super.waitReady(timeoutMs);
		const url = this.role === 'worker' ? `http://127.0.0.1:${this.healthPort}/healthz/readiness` : `${this.url}/healthz/readiness`;
		const ready = await waitFor(
			async () => {
				if (!this.server.isAlive()) throw fatal(`${this.name} exited before ready\n${this.logTail()}`);
				return (await request('GET', url, { timeoutMs: 2_000 })).status === 200;
			},
			{ timeoutMs, intervalMs: 500 },
		);
		if (!ready) throw new Error(`${this.name} not ready after ${timeoutMs} ms\n${this.logTail()}`);
	}

	log() {
		try {
			return fs.readFileSync(this.logFile, 'utf8');
		} catch {
			return '';
		}
	}

	/** Execution ids this process started as a worker (its "Worker started execution <id>" lines). */
	executionsStarted() {
		return new Set([...this.log().matchAll(/Worker started execution (\d+)/g)].map((m) => m[1]));
	}
}

/** Which worker ran each execution id: {id: name}; ids no worker names are left out. */
function runBy(workers) {
	const by = {};
	for (const w of workers) for (const id of w.executionsStarted()) by[id] = w.name;
	return by;
}

module.exports = { QueueN8n, runBy, WORKER_CONCURRENCY, HEAP_MB };
