'use strict';
// One throwaway real n8n instance: its user folder, CLI commands, server process and REST API.
const fs = require('node:fs');
const path = require('node:path');
const { run, runOk, startBackground, waitFor, fatal, tail } = require('./proc');
const { request, requestOk, cookieFrom } = require('./http');

const ENCRYPTION_KEY = 'portalduct-e2e-fixed-encryption-key'; // fixed: imported credentials must decrypt later
const OWNER = { email: 'e2e@portalduct.test', firstName: 'E2E', lastName: 'Runner', password: 'E2e-password-1' };

class N8nInstance {
	/** @param line an installed line from lines.js; userFolder: an empty temp folder; ports: free ones */
	constructor({ line, userFolder, port, brokerPort }) {
		this.line = line;
		this.userFolder = userFolder;
		this.port = port;
		this.brokerPort = brokerPort;
		this.url = `http://127.0.0.1:${port}`;
		this.logFile = path.join(userFolder, 'n8n-start.log');
		this.cookie = undefined;
		this.server = undefined;
		// n8n serialises stored execution data with flatted; use the very copy it ships.
		this.flatted = require(path.join(line.dir, 'node_modules', 'flatted'));
	}

	/** Environment for a throwaway instance that talks to nothing but loopback. */
	env() {
		const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('N8N_')));
		return {
			...inherited,
			PATH: `${path.dirname(this.line.node)}:${process.env.PATH}`,
			N8N_USER_FOLDER: this.userFolder,
			N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
			DB_TYPE: 'sqlite',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
			N8N_VERIFIED_PACKAGES_ENABLED: 'false',
			N8N_DYNAMIC_BANNERS_ENABLED: 'false',
			N8N_SECURE_COOKIE: 'false',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true', // else a warning on every command
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_PORT: String(this.port),
			[this.line.webhookUrlVariable]: `${this.url}/`,
			...(this.line.needsBrokerPort && this.brokerPort ? { N8N_RUNNERS_BROKER_PORT: String(this.brokerPort) } : {}),
			EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
			NO_PROXY: '127.0.0.1,localhost,::1',
			...this.line.env,
		};
	}

	/** Runs `n8n <args>` to completion with this instance's environment. */
	cli(args, { timeoutMs = 180_000 } = {}) {
		return run(this.line.node, [this.line.n8nBin, ...args], { env: this.env(), cwd: this.userFolder, timeoutMs });
	}

	async cliOk(args, options) {
		return runOk(this.line.node, [this.line.n8nBin, ...args], { env: this.env(), cwd: this.userFolder, ...options });
	}

	/** `npm install --offline --omit=peer <tarball>` into .n8n/nodes, as n8n's community installer lays it out. */
	async installPackage(tarball) {
		const nodesDir = path.join(this.userFolder, '.n8n', 'nodes');
		fs.mkdirSync(nodesDir, { recursive: true });
		fs.writeFileSync(path.join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true }));
		// A copy beside package.json keeps the recorded file: dependency valid for the folder's life.
		const local = path.join(nodesDir, path.basename(tarball));
		fs.copyFileSync(tarball, local);
		await runOk('npm', ['install', '--offline', '--omit=peer', '--no-audit', '--no-fund', `./${path.basename(local)}`], {
			cwd: nodesDir,
			env: { ...process.env, npm_config_update_notifier: 'false' },
			timeoutMs: 120_000,
		});
		return nodesDir;
	}

	/** Imports credentials given with plain data (n8n encrypts them with ENCRYPTION_KEY). */
	async importCredentials(credentials) {
		const file = path.join(this.userFolder, 'import-credentials.json');
		fs.writeFileSync(file, JSON.stringify(credentials, null, 2));
		return this.cliOk(['import:credentials', `--input=${file}`]);
	}

	/** Imports workflows (stored inactive) in one process: each import costs a boot of 5-9 s. */
	async importWorkflows(workflows) {
		const dir = path.join(this.userFolder, 'import-workflows');
		fs.mkdirSync(dir, { recursive: true });
		for (const wf of workflows) fs.writeFileSync(path.join(dir, `${wf.id}.json`), JSON.stringify(wf, null, 2));
		return this.cliOk(['import:workflow', '--separate', `--input=${dir}`]);
	}

	/**
	 * `n8n execute --id X --rawOutput`: exit code plus the run (IRun JSON: data.resultData.runData...).
	 * Exit 0 on success, 1 when a node failed.
	 */
	async execute(workflowId) {
		const result = await this.cli(['execute', `--id=${workflowId}`, '--rawOutput']);
		return { ...result, run: parseRawOutput(result.stdout) };
	}

	async activate(workflowId) {
		return this.cliOk(this.line.activateArgs(workflowId));
	}

	/** Starts `n8n start` in the background; its node process is the pid we later stop. */
	start() {
		if (this.server?.isAlive()) throw new Error('n8n is already running');
		this.server = startBackground(this.line.node, [this.line.n8nBin, 'start'], {
			env: this.env(),
			cwd: this.userFolder,
			logFile: this.logFile,
		});
		return this.server;
	}

	/** Ready = /healthz/readiness and /rest/settings answer 200. Active workflows may still be activating. */
	async waitReady(timeoutMs = 90_000) {
		const ready = await waitFor(
			async () => {
				if (!this.server.isAlive()) throw fatal(`n8n exited before ready\n${this.logTail()}`);
				const r = await request('GET', `${this.url}/healthz/readiness`, { timeoutMs: 2_000 });
				if (r.status !== 200) return false;
				// Readiness answers before the REST routes are mounted (POST /rest/owner/setup was a
				// 404 right after it): wait for the REST API too.
				const settings = await request('GET', `${this.url}/rest/settings`, { timeoutMs: 2_000 });
				return settings.status === 200;
			},
			{ timeoutMs, intervalMs: 500 },
		);
		if (!ready) throw new Error(`n8n not ready after ${timeoutMs} ms\n${this.logTail()}`);
	}

	/**
	 * POST /rest/owner/setup on a fresh instance (as `owner`, default OWNER); keeps the session
	 * cookie (n8n-auth) for later calls.
	 */
	async setupOwner(owner = OWNER) {
		const r = await request('POST', `${this.url}/rest/owner/setup`, { body: owner });
		if (r.status !== 200) throw new Error(`owner setup -> ${r.status} ${r.text.slice(0, 300)}`);
		this.cookie = cookieFrom(r.headers, 'n8n-auth');
		if (!this.cookie) throw new Error('owner setup returned no n8n-auth cookie');
		return r.json.data;
	}

	/** POST /rest/login as `owner` (default OWNER), e.g. after a restart; keeps the new session cookie. */
	async login(owner = OWNER) {
		const r = await request('POST', `${this.url}/rest/login`, { body: { emailOrLdapLoginId: owner.email, password: owner.password } });
		if (r.status !== 200) throw new Error(`login -> ${r.status} ${r.text.slice(0, 300)}`);
		this.cookie = cookieFrom(r.headers, 'n8n-auth');
		if (!this.cookie) throw new Error('login returned no n8n-auth cookie');
		return r.json.data;
	}

	/**
	 * Restarts the running `n8n start`: SIGTERM (graceful; resolves `forced: true` if it needed
	 * SIGKILL), start again, wait until ready, log in again. n8n re-activates published workflows
	 * as it starts: `waitActivated(workflow, logOffset)` waits for that. Resolves `{exit, logOffset}`.
	 */
	async restart() {
		const exit = await this.stop();
		const logOffset = this.logSize();
		this.start();
		await this.waitReady();
		await this.login();
		return { exit, logOffset };
	}

	/** Bytes n8n-start.log holds now: `logSince(offset)` is what n8n wrote after. */
	logSize() {
		try {
			return fs.statSync(this.logFile).size;
		} catch {
			return 0;
		}
	}

	logSince(offset) {
		try {
			return fs.readFileSync(this.logFile).subarray(offset).toString('utf8');
		} catch {
			return '';
		}
	}

	/**
	 * After a (re)start: waits until n8n serves `webhookUrl` (a production webhook: an OPTIONS
	 * preflight, which runs no node, answers 2xx instead of 404) and, where the line re-activates
	 * published workflows as it starts (1.x), until it logged, after `logOffset`, that it activated
	 * `workflow` ({id, name}), i.e. its trigger's checkExists/create are done.
	 */
	async waitActivated(workflow, webhookUrl, logOffset, timeoutMs = 60_000) {
		const activated = this.line.activatedLogLine(workflow);
		const url = new URL(webhookUrl);
		const ready = await waitFor(
			async () => {
				if (!this.server?.isAlive()) throw fatal(`n8n exited\n${this.logTail()}`);
				if (activated && !this.logSince(logOffset).includes(activated)) return false;
				const r = await request('OPTIONS', `${url.origin}${url.pathname}`, {
					headers: { origin: url.origin, 'access-control-request-method': 'POST' },
					timeoutMs: 5_000,
				});
				return r.status >= 200 && r.status < 300;
			},
			{ timeoutMs, intervalMs: 250 },
		);
		if (!ready) {
			const why = activated && !this.logSince(logOffset).includes(activated) ? `n8n did not log "${activated}"` : `${url.pathname} is not served`;
			throw new Error(`${why} within ${timeoutMs} ms of starting\n${tail(this.logSince(logOffset), 25)}`);
		}
	}

	/**
	 * Starts a test listen on a trigger as the editor's "Listen for test event" (1.x) / "Test this
	 * trigger" (2.x) does (body per line: lines.js testListenBody). n8n answers
	 * {waitingForWebhook: true} and serves /webhook-test/... until one event, stopListening or its timeout.
	 */
	async testListen(workflowId, triggerName) {
		const { data: workflow } = await this.rest('GET', `/rest/workflows/${workflowId}`);
		const body = await this.rest('POST', `/rest/workflows/${workflowId}/run`, this.line.testListenBody(workflow, triggerName));
		return body.data;
	}

	/** "Stop listening": DELETE /rest/test-webhook/:workflowId (n8n calls the trigger's delete()). */
	async stopListening(workflowId) {
		const body = await this.rest('DELETE', `/rest/test-webhook/${workflowId}`);
		return body.data;
	}

	/** Authenticated REST call; returns the parsed body (throws on non-2xx). */
	rest(method, urlPath, body) {
		return requestOk(method, `${this.url}${urlPath}`, { body, cookie: this.cookie, timeoutMs: 60_000 });
	}

	/** Summaries of stored executions of one workflow, newest first. */
	async executions(workflowId) {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const body = await this.rest('GET', `/rest/executions?filter=${filter}&limit=100`);
		return body.data.results;
	}

	/** One stored execution with its run data decoded (n8n stores it flatted-serialised). */
	async execution(id) {
		const body = await this.rest('GET', `/rest/executions/${id}`);
		const ex = body.data;
		return { ...ex, data: typeof ex.data === 'string' ? this.flatted.parse(ex.data) : ex.data };
	}

	/** Deactivates (unpublishes) a workflow as the editor does; n8n then calls the trigger's delete(). */
	deactivate(workflowId) {
		return this.rest('POST', `/rest/workflows/${workflowId}/deactivate`, {});
	}

	async stop() {
		if (!this.server) return undefined;
		const exit = await this.server.stop();
		this.server = undefined;
		return exit;
	}

	logTail(lines = 40) {
		try {
			return tail(fs.readFileSync(this.logFile, 'utf8'), lines);
		} catch {
			return '(no n8n log)';
		}
	}
}

/** The run JSON from `execute --rawOutput`: pretty-printed, from a line "{" to a line "}". */
function parseRawOutput(stdout) {
	const lines = stdout.split('\n');
	const start = lines.indexOf('{');
	const end = lines.lastIndexOf('}');
	if (start < 0 || end < start) return undefined;
	try {
		return JSON.parse(lines.slice(start, end + 1).join('\n'));
	} catch {
		return undefined;
	}
}

/** Throws a readable error unless `n8n execute` exited 0 with a successful run. */
function assertExecuted(result) {
	if (result.code === 0 && result.run?.status === 'success') return;
	const error = result.run?.data?.resultData?.error;
	const why = error
		? `node "${error.node?.name ?? '?'}": ${error.message}${error.description ? ` (${error.description})` : ''}`
		: tail(`${result.stdout.split('\n{')[0]}\n${result.stderr}`, 20);
	throw new Error(`n8n execute exited ${result.code}, run status ${result.run?.status ?? '(no run JSON)'}: ${why}`);
}

/** Output items (json only) of a node's first run, first output, from a run or stored execution data. */
function nodeOutput(runData, nodeName, output = 0) {
	const runs = runData?.resultData?.runData?.[nodeName] ?? runData?.data?.resultData?.runData?.[nodeName];
	if (!runs) return undefined;
	return (runs[0]?.data?.main?.[output] ?? []).map((item) => item.json);
}

module.exports = { N8nInstance, OWNER, ENCRYPTION_KEY, parseRawOutput, nodeOutput, assertExecuted };
