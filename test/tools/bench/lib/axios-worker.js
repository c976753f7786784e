'use strict';
// The floor: the same PortalDuct reads with plain axios, no n8n. A NEW connection per request
// (`httpAgent: new http.Agent({ keepAlive: false })`), as n8n's request helpers do, a Bearer token
// from one login, a 429 waited out (Retry-After, at most 5 tries) and a 401 answered by one login.
//   node axios-worker.js
const http = require('node:http');
const { performance } = require('node:perf_hooks');
const axios = require('axios');
const { memory, serve, sleep } = require('./worker');

const MAX_TRIES = 5;
const MAX_PAGES = 10_000;

let job;
let token;
let logins = 0;
let relogin;

const agent = () => new http.Agent({ keepAlive: false });

async function login() {
	for (let attempt = 1; ; attempt++) {
		try {
			const r = await axios.post(`${job.baseUrl}/v1/login`, job.login, { httpAgent: agent(), timeout: 30_000 });
			logins++;
			token = r.data.token ?? r.data.accessToken ?? r.data.access_token ?? r.data.data?.token;
			return;
		} catch (error) {
			if (error.response?.status !== 429 || attempt >= MAX_TRIES) throw error;
			const seconds = Number(error.response.headers['retry-after']);
			await sleep((Number.isFinite(seconds) ? seconds : 1) * 1000);
		}
	}
}

/** One GET with the policy above; counts 429s waited out. */
async function get(path, params, counters) {
	for (let attempt = 1; ; attempt++) {
		const sent = token;
		try {
			const r = await axios.get(`${job.baseUrl}${path}`, {
				params,
				headers: { authorization: `Bearer ${sent}` },
				httpAgent: agent(),
				timeout: 30_000,
			});
			return r.data;
		} catch (error) {
			const status = error.response?.status;
			if (status === 429 && attempt < MAX_TRIES) {
				counters.rateLimited++;
				const seconds = Number(error.response.headers['retry-after']);
				await sleep((Number.isFinite(seconds) ? seconds : 1) * 1000);
				continue;
			}
			if (status === 401 && attempt < MAX_TRIES) {
				// One login for everyone who met the same stale token.
				if (token === sent) relogin ??= login().finally(() => (relogin = undefined));
				await relogin;
				continue;
			}
			throw error;
		}
	}
}

/** Runs fn(0..count-1) with at most `concurrency` in flight (1 = one after another). */
async function pool(count, concurrency, fn) {
	let next = 0;
	const lanes = Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, async () => {
		while (next < count) {
			const i = next++;
			await fn(i);
		}
	});
	await Promise.all(lanes);
}

serve({
	/** op 'balance': {ids, concurrency}; op 'pages': {connectionUuid, pageSize}. */
	async setup(args) {
		job = args;
		await login();
		return memory();
	},
	async rep() {
		const counters = { rateLimited: 0, failed: 0, outputItems: 0 };
		const loginsBefore = logins;
		const cpu = process.cpuUsage();
		const started = performance.now();
		if (job.op === 'balance') {
			await pool(job.ids.length, job.concurrency, async (i) => {
				try {
					const body = await get(`/v1/getClientBalance/${encodeURIComponent(job.ids[i])}`, undefined, counters);
					if (body && typeof body === 'object') counters.outputItems++;
				} catch {
					counters.failed++;
				}
			});
		} else if (job.op === 'pages') {
			const invoices = [];
			for (let page = 1; page <= MAX_PAGES; page++) {
				const body = await get(`/v1/getClientInvoices/${encodeURIComponent(job.connectionUuid)}`, { page, pageSize: job.pageSize }, counters);
				invoices.push(...body.data);
				if (body.data.length === 0 || invoices.length >= body.total) break;
			}
			counters.outputItems = invoices.length;
		} else {
			throw new Error(`unknown op ${job.op}`);
		}
		const ms = performance.now() - started;
		const used = process.cpuUsage(cpu);
		return { ms, wallMs: ms, cpuMs: (used.user + used.system) / 1000, ...counters, logins: logins - loginsBefore, ...memory() };
	},
	memory,
});
