#!/usr/bin/env node
'use strict';
// `npm run audit:prod`: `npm audit --omit=dev --audit-level=low` over what users install with the
// package (its runtime dependencies; n8n-workflow is a peer that n8n provides), with a verdict that
// says which of three things happened:
//   clean    npm audit answered (or had nothing to ask about) and found nothing: exit 0
//   findings npm audit found advisories: each is printed, exit 1
//   unknown  the registry's audit endpoint could not be asked (offline, a mirror without it):
//            exit 2, never reported as clean
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const REPO = path.join(__dirname, '..', '..');

/** The verdict for npm audit's JSON output and exit status. */
function verdict(stdout, status) {
	let report;
	try {
		report = JSON.parse(stdout);
	} catch {
		return { kind: 'unknown', lines: [`npm audit printed no JSON (exit ${status}):`, stdout.slice(0, 2000)] };
	}
	if (!report.auditReportVersion) {
		// npm's error object: the endpoint answered with an error or could not be reached.
		const why = report.message || report.error?.summary || report.error?.detail || JSON.stringify(report).slice(0, 500);
		return {
			kind: 'unknown',
			lines: [`the registry's audit endpoint could not be asked: ${why}`, 'the result is UNKNOWN, not clean'],
		};
	}
	const counts = report.metadata?.vulnerabilities ?? {};
	const prod = Math.max(0, (report.metadata?.dependencies?.prod ?? 1) - 1); // npm counts the package itself
	const found = Object.values(report.vulnerabilities ?? {});
	if (!found.length && !counts.total) {
		return {
			kind: 'clean',
			lines: [
				prod === 0
					? 'no runtime dependencies: nothing a user installs with the package has advisories (0 vulnerabilities)'
					: `${prod} runtime dependencies audited: 0 vulnerabilities`,
			],
		};
	}
	return {
		kind: 'findings',
		lines: [
			`${counts.total ?? found.length} vulnerabilities in runtime dependencies:`,
			...found.map((v) => {
				const via = (v.via ?? []).map((x) => (typeof x === 'string' ? x : `${x.title} (${x.url})`)).join('; ');
				const fix = v.fixAvailable ? ' (fix available: npm audit fix)' : '';
				return `  ${v.severity} ${v.name} ${v.range ?? ''}: ${via}${fix}`;
			}),
		],
	};
}

if (require.main === module) {
	const r = spawnSync('npm', ['audit', '--omit=dev', '--audit-level=low', '--json'], {
		cwd: REPO,
		encoding: 'utf8',
		timeout: 120_000,
		env: { ...process.env, npm_config_update_notifier: 'false' },
	});
	if (r.error) {
		console.log(`audit:prod UNKNOWN: npm audit did not run: ${r.error.message}`);
		process.exit(2);
	}
	const v = verdict(r.stdout, r.status);
	console.log(`audit:prod ${v.kind.toUpperCase()}: ${v.lines.join('\n')}`);
	process.exitCode = { clean: 0, findings: 1, unknown: 2 }[v.kind];
}

module.exports = { verdict };
