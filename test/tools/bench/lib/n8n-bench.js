'use strict';
// The e2e's throwaway n8n instance, started for measuring: through the credential-load counting
// preload, with manual runs over REST (one n8n process for every run, as in the editor), the
// process's credential decrypt count on demand (SIGUSR2) and its peak memory from /proc.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { N8nInstance } = require('../../../e2e/lib/n8n');
const { startBackground, waitFor, sleep } = require('../../../e2e/lib/proc');

const PRELOAD = path.join(__dirname, 'n8n-preload.js');
const FINISHED = new Set(['success', 'error', 'crashed', 'canceled']);
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

class BenchN8n extends N8nInstance {
	constructor(options) {
		super(options);
		this.countDir = path.join(this.userFolder, 'bench-counts');
		fs.mkdirSync(this.countDir, { recursive: true });
		this.signals = 0;
	}

	env() {
		return {
			...super.env(),
			EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'true',
			PORTALDUCT_BENCH_COUNT_DIR: this.countDir,
			PORTALDUCT_BENCH_N8N_PACKAGE: path.join(this.line.dir, 'node_modules', 'n8n'),
		};
	}

	/** `n8n start` with the counting preload; its node process is the pid we signal and stop. */
	start() {
		if (this.server?.isAlive()) throw new Error('n8n is already running');
		this.server = startBackground(this.line.node, ['--require', PRELOAD, this.line.n8nBin, 'start'], {
			env: this.env(),
			cwd: this.userFolder,
			logFile: this.logFile,
		});
		return this.server;
	}

	/** Credentials.getData calls in the n8n process so far (asks the preload by SIGUSR2). */
	async credentialLoads() {
		const pid = this.server.pid;
		const file = path.join(this.countDir, `credential-loads-${pid}.json`);
		const want = ++this.signals;
		process.kill(pid, 'SIGUSR2');
		const counts = await waitFor(
			() => {
				try {
					const c = JSON.parse(fs.readFileSync(file, 'utf8'));
					return c.seq >= want ? c : undefined;
				} catch {
					return undefined; // not written yet, or caught mid-write
				}
			},
			{ timeoutMs: 10_000, intervalMs: 20 },
		);
		if (!counts) throw new Error(`the credential-load counter of pid ${pid} did not answer`);
		if (!counts.patched) throw new Error(`n8n-core's Credentials was not patched (${counts.target})`);
		return counts.getData;
	}

	/**
	 * Runs a workflow from its trigger as the editor's "Execute workflow" does (POST
	 * /rest/workflows/:id/run) and waits until its stored execution has finished; returns the id.
	 * Polled gently through the list endpoint (summaries, no run data): the polls are served by the
	 * n8n process being measured. Read the run data afterwards with execution(id).
	 */
	async runWorkflow(workflowId, { startNode = 'Start', timeoutMs = 10 * 60_000 } = {}) {
		const started = await this.rest('POST', `/rest/workflows/${workflowId}/run`, { triggerToStartFrom: { name: startNode } });
		const executionId = started?.data?.executionId;
		if (!executionId) throw new Error(`run of ${workflowId} started no execution: ${JSON.stringify(started).slice(0, 300)}`);
		let interval = 100;
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const { results } = await this.executionList(workflowId, { limit: 5 });
			const status = results.find((e) => String(e.id) === String(executionId))?.status;
			if (FINISHED.has(status)) return executionId;
			if (!this.server?.isAlive()) throw new Error(`n8n exited during execution ${executionId}\n${this.logTail()}`);
			if (Date.now() > deadline) throw new Error(`execution ${executionId} not finished after ${timeoutMs} ms (status ${status})`);
			await sleep(interval);
			interval = Math.min(500, interval * 2);
		}
	}

	/** Executions of a workflow (optionally of some statuses): the count n8n reports and the newest `limit` (at most 100). */
	async executionList(workflowId, { status, limit = 100 } = {}) {
		const filter = encodeURIComponent(JSON.stringify({ workflowId, ...(status ? { status } : {}) }));
		const body = await this.rest('GET', `/rest/executions?filter=${filter}&limit=${Math.min(100, limit)}`);
		return { count: body.data.count, results: body.data.results };
	}

	/** Resets the n8n process's peak RSS (VmHWM); false when the kernel refuses. */
	resetPeakMemory() {
		try {
			fs.writeFileSync(`/proc/${this.server.pid}/clear_refs`, '5');
			return true;
		} catch {
			return false;
		}
	}

	/** CPU time (user + system) the n8n process has used so far, in ms (resolution 1 clock tick). */
	cpuMs() {
		// Fields after the ")" that ends the command name: state is 3rd, utime 14th, stime 15th.
		const stat = fs.readFileSync(`/proc/${this.server.pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
	}

	/** {rss, peak} of the n8n process in bytes, from /proc/<pid>/status. */
	memory() {
		const status = fs.readFileSync(`/proc/${this.server.pid}/status`, 'utf8');
		const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
		return { rss: kb('VmRSS'), peak: kb('VmHWM') };
	}
}

module.exports = { BenchN8n, PRELOAD };
