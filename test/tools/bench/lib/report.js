'use strict';
// Turns the measured reps into the printed table (medians), the ratios with their targets, the
// capacity estimate, and the same as Markdown for test/tools/bench/LATEST.md.

function median(values) {
	const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
	if (v.length === 0) return undefined;
	const mid = Math.floor(v.length / 2);
	return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

const fmt = (x, digits = 0) => (x === undefined || Number.isNaN(x) ? '-' : Number(x).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
const mb = (bytes) => (bytes === undefined ? '-' : `${fmt(bytes / 1024 / 1024)} MB`);
const seconds = (ms) => (ms === undefined ? '-' : ms >= 60_000 ? `${fmt(ms / 60_000, 1)} min` : `${fmt(ms / 1000, 1)} s`);

/** Median of every numeric field over a row's reps (reps with an error are left out of `ms`). */
function summarize(row) {
	const ok = row.reps.filter((r) => !r.error);
	const keys = new Set(row.reps.flatMap((r) => Object.keys(r)));
	const m = {};
	for (const key of keys) m[key] = median((key === 'ms' ? ok : row.reps).map((r) => r[key]));
	const times = ok.map((r) => r.ms).filter((x) => typeof x === 'number');
	const errors = row.reps.filter((r) => r.error).map((r) => r.error);
	return { m, min: times.length ? Math.min(...times) : undefined, max: times.length ? Math.max(...times) : undefined, n: times.length, errors };
}

function details(row, s) {
	const m = s.m;
	const out = [];
	if (row.key.startsWith('burst')) {
		out.push(`${fmt(m.accepted)} answered 200, ${fmt(m.refused)} not`);
		if (m.refused) out.push(`answers: ${row.reps.find((r) => r.refused)?.answers}`);
		out.push(`${fmt(m.executions)} executions (${fmt(m.succeeded)} succeeded)`, `lost ${fmt(m.lost)}`);
		out.push(`all answered in ${fmt(m.answeredMs)} ms (${fmt(m.deliveriesPerSecond, 1)} deliveries/s)`);
		if (m.executionsPerSecond) out.push(`${fmt(m.executionsPerSecond, 1)} executions/s stored`);
		if (m.cpuMs !== undefined) out.push(`CPU ${fmt(m.cpuMs / row.items, 2)} ms/delivery (n8n process)`);
		if (s.errors.length) out.push(`${s.errors.length}/${row.reps.length} rounds failed: ${s.errors[0]}`);
		return out.join('; ');
	}
	if (m.outputItems !== undefined && m.outputItems !== row.items) out.push(`${fmt(m.outputItems)} items out`);
	if (m.failed !== undefined) out.push(`failed ${fmt(m.failed)}`);
	if (m.logins !== undefined) out.push(`logins ${fmt(m.logins)}`);
	if (m.refreshes) out.push(`refreshes ${fmt(m.refreshes)}`);
	if (m.refreshFailures) out.push(`refused refreshes ${fmt(m.refreshFailures)}`);
	if (m.rateLimited) out.push(`429s ${fmt(m.rateLimited)}`);
	// At 0 ms latency the sandbox answers synchronously: nothing is ever in flight together there.
	if (m.inFlightMax !== undefined && row.latencyMs) out.push(`in flight max ${fmt(m.inFlightMax)}`);
	if (m.cpuMs !== undefined) out.push(`CPU ${fmt(m.cpuMs / (row.pages ?? row.items), 2)} ms/${row.pages ? 'page' : 'item'}${row.key.includes('n8n') || row.label.startsWith('real n8n') ? ' (n8n process)' : ''}`);
	if (m.credLoadsPerItem !== undefined) out.push(`credential loads/${row.pages ? 'page' : 'item'} ${fmt(m.credLoadsPerItem, 2)}`);
	if (m.maxRss !== undefined && row.pages) out.push(`peak RSS ${mb(m.maxRss)}`);
	if (m.peakRss !== undefined) out.push(`n8n RSS ${mb(m.rssBefore)} before, peak ${mb(m.peakRss)} during`);
	else if (m.rssBefore !== undefined) out.push(`n8n RSS ${mb(m.rssBefore)} before, ${mb(m.rss)} after (peak not resettable)`);
	if (s.errors.length) out.push(`${s.errors.length}/${row.reps.length} reps failed: ${s.errors[0]}`);
	if (row.error) out.push(row.error);
	return out.join('; ');
}

function perUnit(row, s) {
	if (s.m.ms === undefined) return '-';
	if (row.key.startsWith('burst')) return `${fmt(s.m.ms / row.items, 2)} ms/delivery`;
	if (row.pages) return `${fmt(s.m.ms / row.pages, 1)} ms/page`;
	return `${fmt(s.m.ms / row.items, 2)} ms/item`;
}

/** Ratios side by side, targets PASS/MISS (a miss is reported, never an exit code). */
function ratios(rows, info) {
	const by = Object.fromEntries(rows.map((r) => [r.key, { row: r, s: summarize(r) }]));
	const ms = (key) => by[key]?.s.m.ms;
	const ratio = (a, b) => (ms(a) !== undefined && ms(b) ? ms(a) / ms(b) : undefined);
	const out = [];
	const add = (name, value, target, pass, how = 'x') =>
		out.push({ name, value: value === undefined ? '-' : how === 'x' ? `${fmt(value, 2)}x` : value, target: target ?? '', verdict: target ? (value === undefined || pass === undefined ? 'n/a' : pass ? 'PASS' : 'MISS') : '' });
	const within = (key, a, b, max, label) => {
		const r = ratio(a, b);
		add(label, r, `<= ${max}x`, r === undefined ? undefined : r <= max);
		return r;
	};

	within('t1', 'n8n-c1', 'axios-seq', 2, 'run 1: real n8n PortalDuct c1 / raw axios sequential');
	within('t2', 'n8n-default', 'axios-pool', 1.5, `run 1: real n8n PortalDuct default / raw axios pool of ${info.pool}`);
	add('run 1: real n8n PortalDuct c1 / HTTP Request', ratio('n8n-c1', 'n8n-http'));
	add('run 1: real n8n PortalDuct default / HTTP Request', ratio('n8n-default', 'n8n-http'));
	add('run 1: real n8n PortalDuct c1 / engine c1 (n8n app overhead)', ratio('n8n-c1', 'engine-c1'));
	add('run 1: engine c1 / raw axios sequential', ratio('engine-c1', 'axios-seq'));
	add(`run 1: engine default / raw axios pool of ${info.pool}`, ratio('engine-default', 'axios-pool'));
	add('run 1: speed-up c1 -> default, real n8n', ratio('n8n-c1', 'n8n-default'));
	// The floor: what n8n's own request helper costs per request, with nothing of a real node.
	add('run 1: real n8n floor node c1 / raw axios sequential', ratio('floor-c1', 'axios-seq'));
	add(`run 1: real n8n floor node ${info.pool} / raw axios pool of ${info.pool}`, ratio('floor-pool', 'axios-pool'));
	add('run 1: real n8n PortalDuct c1 / floor node c1', ratio('n8n-c1', 'floor-c1'));
	add(`run 1: real n8n PortalDuct default / floor node ${info.pool}`, ratio('n8n-default', 'floor-pool'));

	// CPU time is what other load on the machine disturbs least.
	const cpu = (key) => by[key]?.s.m.cpuMs;
	const cpuRatio = (a, b) => (cpu(a) !== undefined && cpu(b) ? cpu(a) / cpu(b) : undefined);
	// The n8n process's CPU also holds saving the execution (and the Code node's 1,000 items).
	add('run 1, CPU per item: real n8n PortalDuct c1 (whole n8n process) / raw axios sequential', cpuRatio('n8n-c1', 'axios-seq'));
	add('run 1, CPU per item: engine c1 / raw axios sequential', cpuRatio('engine-c1', 'axios-seq'));
	add('run 1, CPU per item: real n8n PortalDuct c1 / HTTP Request (n8n process)', cpuRatio('n8n-c1', 'n8n-http'));

	const speedup = ratio('lat-http', 'lat-ours');
	add('run 2: HTTP Request defaults / PortalDuct default (how much faster ours is)', speedup, '>= 2.5x', speedup === undefined ? undefined : speedup >= 2.5);
	for (const row of rows.filter((r) => /^lat-ours-c\d+$/.test(r.key))) {
		add(`run 2: HTTP Request defaults / PortalDuct at concurrency ${row.key.slice('lat-ours-c'.length)}`, ratio('lat-http', row.key));
	}
	add('run 2: HTTP Request batching 10/1 ms / PortalDuct default', ratio('lat-http-batch', 'lat-ours'));
	add(`run 2: PortalDuct default / raw axios pool of ${info.pool}`, ratio('lat-ours', 'lat-axios'));
	add(`run 2: HTTP Request defaults / floor node ${info.pool}`, ratio('lat-http', 'lat-floor'));
	const lim = by['lat-ours-limited'];
	if (lim) {
		const failed = Math.max(...lim.row.reps.map((r) => r.failed ?? Infinity));
		const logins = Math.max(...lim.row.reps.map((r) => r.logins ?? Infinity));
		const errored = lim.row.reps.some((r) => r.error);
		add(
			'run 2b: PortalDuct under the limit: failed items, logins (worst rep)',
			`${fmt(failed)} failed, ${fmt(logins)} logins`,
			'0 failed, <= 1 login',
			lim.row.reps.length && !errored ? failed === 0 && logins <= 1 : undefined,
			'text',
		);
	}
	for (const row of rows.filter((r) => /^lat-ours-c\d+-limited$/.test(r.key))) {
		const worst = (key) => Math.max(...row.reps.map((r) => r[key] ?? Infinity));
		add(`run 2b: PortalDuct at concurrency ${row.key.match(/\d+/)[0]} under the limit: failed items, logins (worst rep)`, `${fmt(worst('failed'))} failed, ${fmt(worst('logins'))} logins`, undefined, undefined, 'text');
	}
	const limHttp = by['lat-http-limited'];
	if (limHttp) add('run 2b: HTTP Request under the limit: failed items, logins (median)', `${fmt(limHttp.s.m.failed)} failed, ${fmt(limHttp.s.m.logins)} logins`, undefined, undefined, 'text');
	add('run 2b: HTTP Request defaults / PortalDuct, limited', ratio('lat-http-limited', 'lat-ours-limited'));

	within('t5', 'all-n8n', 'all-axios', 1.2, 'run 3: real n8n Return All / raw axios paging');
	// The engine runs on the repo's Node: compared with raw axios on that Node when measured.
	const engineBase = by['all-axios-engine-node'] ? 'all-axios-engine-node' : 'all-axios';
	within('t5e', 'all-engine', engineBase, 1.2, `run 3: engine Return All / raw axios paging${engineBase === 'all-axios' ? '' : ' on the same Node'}`);

	const tok = by['token-ours'];
	if (tok && tok.s.m.ms === undefined) {
		add(`run 4: PortalDuct renewals per ${info.tokenLifetimeSeconds} s expiry`, `no result (${tok.s.errors[0] ?? tok.row.error ?? 'no rep finished'})`, 'one per expiry', false, 'text');
	}
	if (tok && tok.s.m.ms !== undefined) {
		const lifetime = info.tokenLifetimeSeconds;
		const expiries = tok.s.m.ms / 1000 / lifetime;
		const renewals = (tok.s.m.logins ?? 0) + (tok.s.m.refreshes ?? 0);
		add(
			`run 4: PortalDuct renewals per ${lifetime} s expiry (logins + refreshes / (time / ${lifetime} s))`,
			`${fmt(renewals / Math.max(expiries, 1e-9), 2)} (${fmt(renewals)} renewals, ${fmt(expiries, 1)} expiries, ${fmt(tok.s.m.refreshFailures ?? 0)} refused, ${fmt(tok.s.m.failed ?? 0)} failed items)`,
			'one per expiry (<= expiries rounded up + 1)',
			renewals <= Math.ceil(expiries) + 1 && !tok.s.m.refreshFailures && !tok.s.m.failed && !tok.s.errors.length,
			'text',
		);
	}
	const tokHttp = by['token-http'];
	if (tokHttp && tokHttp.s.m.ms !== undefined) {
		const expiries = tokHttp.s.m.ms / 1000 / info.tokenLifetimeSeconds;
		const renewals = (tokHttp.s.m.logins ?? 0) + (tokHttp.s.m.refreshes ?? 0);
		add(
			'run 4: HTTP Request renewals per expiry',
			`${fmt(renewals / Math.max(expiries, 1e-9), 2)} (${fmt(renewals)} renewals, ${fmt(expiries, 1)} expiries, ${fmt(tokHttp.s.m.refreshFailures ?? 0)} refused${tokHttp.s.errors.length ? `, ${tokHttp.s.errors.length} reps failed` : ''})`,
			undefined,
			undefined,
			'text',
		);
	}
	const b = by.burst;
	if (b && b.row.reps.length) {
		// Every round counts: one lost delivery in any round is a miss.
		const lost = Math.max(...b.row.reps.map((r) => r.lost ?? Infinity));
		add('run 5: deliveries lost (answered 200, no execution; worst round)', fmt(lost), '0', b.s.errors.length ? undefined : lost === 0, 'text');
	}
	// The trigger beside n8n's plain Webhook node, same bursts, rounds alternating: per delivery,
	// first POST until the last execution stored (the target), until all answered, CPU.
	// Round r of both is a pair measured back to back: the median of the rounds' ratios.
	const paired = (field) => {
		const t = by.burst?.row.reps ?? [];
		const w = by['burst-webhook']?.row.reps ?? [];
		return median(t.map((r, i) => (!r.error && !w[i]?.error && w[i]?.[field] ? r[field] / w[i][field] : undefined)));
	};
	const perDelivery = paired('ms');
	add('run 5: PortalDuct Trigger / plain Webhook, first POST to last execution stored (median of rounds)', perDelivery, '<= 1.3x', perDelivery === undefined ? undefined : perDelivery <= 1.3);
	add('run 5: PortalDuct Trigger / plain Webhook, all answered (median of rounds)', paired('answeredMs'));
	add('run 5, CPU per delivery: PortalDuct Trigger / plain Webhook (n8n process, median of rounds)', paired('cpuMs'));
	return out;
}

/**
 * Daily sync estimate: per client 1 balance read + 3 connections x 2 invoice pages = 7 requests.
 * Default concurrency: balance reads at the per-item time of run 2 (ours, real n8n, 20 ms latency);
 * a page costs what it cost relative to a balance read in real n8n (run 3 ms/page vs run 1 c1
 * ms/item, sequential both). Under the limit: 7 requests per client at the request rate run 2b
 * reached under the limit, never faster than the unlimited estimate.
 */
function capacity(rows, rateLimit) {
	const by = Object.fromEntries(rows.map((r) => [r.key, { row: r, s: summarize(r) }]));
	const read = by['lat-ours']?.s.m.ms !== undefined ? by['lat-ours'].s.m.ms / by['lat-ours'].row.items : undefined;
	const seqRead = by['n8n-c1']?.s.m.ms !== undefined ? by['n8n-c1'].s.m.ms / by['n8n-c1'].row.items : undefined;
	const seqPage = by['all-n8n']?.s.m.ms !== undefined ? by['all-n8n'].s.m.ms / by['all-n8n'].row.pages : undefined;
	const limited = by['lat-ours-limited'];
	// Reads that succeeded per second (429-refused attempts are not progress).
	// A short run gets a full window at its start, so never assume more than the limit over a day.
	const measuredRate = limited?.s.m.ms ? (limited.row.items - (limited.s.m.failed ?? 0)) / (limited.s.m.ms / 1000) : undefined;
	const limitedRate = measuredRate === undefined ? undefined : Math.min(measuredRate, rateLimit);
	if (read === undefined) return { text: 'Capacity: not computed (run 2 has no PortalDuct time)' };
	const measuredWeight = seqRead && seqPage ? seqPage / seqRead : undefined;
	// A page of 100 invoices is never counted as cheaper than one balance read.
	const weight = measuredWeight ? Math.max(1, measuredWeight) : 1;
	const perClientMs = read * (1 + 6 * weight);
	const parts = [1_000, 10_000].map((clients) => {
		const def = clients * perClientMs;
		const lim = limitedRate ? Math.max(def, (clients * 7 * 1000) / limitedRate) : undefined;
		return `${fmt(clients)} clients (${fmt(clients * 7)} requests): ${seconds(def)} at the default concurrency, ${lim ? seconds(lim) : '-'} at ${rateLimit} requests/s`;
	});
	return {
		text: `Capacity (daily sync, 1 balance + 3 connections x 2 pages = 7 requests per client): ${parts.join('; ')}`,
		basis: `balance read ${fmt(read, 2)} ms/item at the default concurrency (run 2, 20 ms latency); an invoice page weighs ${fmt(weight, 1)} balance reads (run 3 ms/page / run 1 c1 ms/item, real n8n${measuredWeight !== undefined && measuredWeight < 1 ? `: ${fmt(measuredWeight, 2)} measured, 1 assumed at least` : ''}); ${measuredRate ? `${fmt(measuredRate, 1)} reads/s reached under the ${rateLimit}/s limit in run 2b (at most ${rateLimit}/s assumed)` : 'no rate-limited rate measured'}`,
	};
}

function tableRows(rows) {
	return rows.map((row) => {
		const s = summarize(row);
		return {
			run: row.run,
			label: row.label,
			items: row.pages ? `${fmt(row.items)} (${fmt(row.pages)} pages)` : fmt(row.items),
			median: s.m.ms === undefined ? 'n/a' : `${fmt(s.m.ms)} ms`,
			per: perUnit(row, s),
			range: s.n > 1 ? `${fmt(s.min)}-${fmt(s.max)}` : s.n === 1 ? '(1 rep)' : '-',
			details: details(row, s),
		};
	});
}

function loadText(samples) {
	const v = (samples ?? []).filter((x) => typeof x === 'number');
	if (!v.length) return 'unknown';
	return `${fmt(v[0], 1)} at the start, median ${fmt(median(v), 1)}, max ${fmt(Math.max(...v), 1)}`;
}

function header(meta) {
	return [
		`Machine: ${meta.machine.cores} cores (${meta.machine.cpu}), ${meta.machine.memoryGb} GB memory, ${meta.machine.os}`,
		`Versions: package ${meta.versions.package}; n8n ${meta.versions.n8n} on Node ${meta.versions.n8nNode}; raw axios ${meta.versions.axios} on Node ${meta.versions.n8nNode}; engine harness n8n-core ${meta.versions.n8nCore} on Node ${meta.versions.node}; HTTP Request node v${meta.info.httpRequestVersion ?? '?'}`,
		`Node under test: options.concurrency default ${meta.info.declaredConcurrency ?? 'not declared'} (read from the built node description)${meta.info.declaredConcurrency === undefined ? `; raw axios pool ${meta.info.pool}` : ''}; build ${meta.versions.commit}`,
		`Load: 1-min load average ${loadText(meta.info.load)} during the run (${meta.machine.cores} cores; more means other work competed for the CPU)`,
		`Repetitions: ${meta.reps} per row, interleaved (median shown, range = min-max; run 3: ${meta.reps * 3}; run 5: ${Math.max(3, meta.reps)} rounds of one burst each, alternating)${meta.quick ? ', --quick sizes' : ''}; ${meta.info.loopbackOnly}; total ${seconds((meta.info.seconds ?? 0) * 1000)}`,
	];
}

function pad(cells, widths) {
	return cells.map((c, i) => String(c).padEnd(widths[i])).join('  ');
}

/** The ratios of the runs measured (`meta.runs`, from --runs: run 2 includes 2b). */
function measuredRatios(meta, result) {
	const all = ratios(result.rows, { ...result.info, tokenLifetimeSeconds: meta.sizes.tokenLifetimeSeconds });
	if (!meta.runs) return all;
	return all.filter((r) => meta.runs.includes(/^run (\d)/.exec(r.name)?.[1]));
}

/** The printed report (plain text). */
function text(meta, result) {
	const lines = [...header(meta), ''];
	const rows = tableRows(result.rows);
	const cols = ['run', 'label', 'items', 'median', 'per', 'range'];
	const titles = ['run', 'measurement', 'items', 'median', 'per unit', 'min-max ms'];
	const widths = cols.map((c, i) => Math.max(titles[i].length, ...rows.map((r) => String(r[c]).length)));
	lines.push(`${pad(titles, widths)}  details`);
	lines.push('-'.repeat(widths.reduce((a, b) => a + b + 2, 0) + 7));
	for (const r of rows) lines.push(`${pad(cols.map((c) => r[c]), widths)}  ${r.details}`);
	lines.push('');
	const rs = measuredRatios(meta, result);
	const nameWidth = Math.max(...rs.map((r) => r.name.length));
	const valueWidth = Math.max(...rs.map((r) => String(r.value).length));
	lines.push('Ratios (measured side by side in this run) and targets');
	for (const r of rs) lines.push(`  ${r.name.padEnd(nameWidth)}  ${String(r.value).padEnd(valueWidth)}  ${r.target ? `${r.verdict} (target ${r.target})` : ''}`.trimEnd());
	const cap = capacity(result.rows, meta.sizes.rateLimit);
	if (!meta.runs) lines.push('', cap.text);
	else lines.push('', `Only runs ${meta.runs.join(', ')} measured (--runs): no capacity estimate`);
	if (cap.basis && !meta.runs) lines.push(`  from: ${cap.basis}`);
	if (result.notes.length) lines.push('', 'Notes:', ...result.notes.map((n) => `  - ${n}`));
	return lines.join('\n');
}

const mdCell = (s) => String(s).replace(/\|/g, '\\|');

/** The same as Markdown, for test/tools/bench/LATEST.md. */
function markdown(meta, result, command) {
	const out = ['# Benchmark: latest full run', '', `Command: \`${command}\` (${meta.date})`, ''];
	for (const l of header(meta)) out.push(`- ${l}`);
	out.push('', '| run | measurement | items | median | per unit | min-max ms | details |', '|---|---|---|---|---|---|---|');
	for (const r of tableRows(result.rows)) out.push(`| ${[r.run, r.label, r.items, r.median, r.per, r.range, r.details].map(mdCell).join(' | ')} |`);
	out.push('', '| ratio / check | value | target | verdict |', '|---|---|---|---|');
	for (const r of measuredRatios(meta, result)) {
		out.push(`| ${[r.name, r.value, r.target, r.verdict].map(mdCell).join(' | ')} |`);
	}
	const cap = capacity(result.rows, meta.sizes.rateLimit);
	out.push('', cap.text, '', cap.basis ? `(${cap.basis})` : '');
	if (result.notes.length) out.push('', 'Notes:', '', ...result.notes.map((n) => `- ${n}`));
	out.push('', 'Rows are explained in [README.md](README.md).', '');
	return out.join('\n');
}

module.exports = { median, summarize, ratios, capacity, text, markdown };
