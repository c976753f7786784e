#!/usr/bin/env node
'use strict';
// End-to-end against REAL n8n (1.x on Node 20, 2.x on Node 24): install (once, cached outside the
// repo), build and pack the package in a private copy, then per line, inside a loopback-only
// network namespace, load the tarball into n8n and drive it by CLI and REST (see line.js).
//
//   node test/e2e/run.js [--line 1|2|1,2] [--only a,b] [--use-dist] [--keep] [--no-netns] [--no-install] [--repo DIR]
//
// --only a,b   run only these scenarios (names as in line.js SCENARIOS), in SCENARIOS order
// --repo DIR   the checkout to build and whose examples/ to use (default: this one)
// --use-dist   pack the repo's existing dist/ instead of building a private copy
// --keep       keep the temp folder (n8n user folders, logs, tarball); kept anyway on failure
// --no-netns   run without a network namespace (when not root); n8n is still told loopback only
// --no-install fail instead of installing a missing n8n line
// Prints "N passed, N failed" last and exits non-zero on any failure.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { runInner } = require('./lib/inner-run');
const { spawnSync } = require('node:child_process');
const { Checks } = require('./lib/checks');
const { installed, LINES } = require('./lib/lines');
const { wrapInNetns } = require('./lib/netns');
const { buildAndPack } = require('./lib/pack');

const REPO = path.resolve(process.argv.includes('--repo') ? process.argv[process.argv.indexOf('--repo') + 1] : path.join(__dirname, '..', '..'));
const LINE_TIMEOUT_MS = 25 * 60_000;
let interrupted = false; // set by a forwarded signal: no further line starts
const flag = (name) => process.argv.includes(`--${name}`);
const option = (name) => {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? process.argv[i + 1] : undefined;
};

/** Runs line.js for one n8n line (in its own network namespace), echoing its output; returns its totals. */
function runLine(lineNo, manifestFile, netns) {
	const only = option('only') ? ['--only', option('only')] : [];
	const inner = [process.execPath, [path.join(__dirname, 'line.js'), '--manifest', manifestFile, '--line', String(lineNo), ...only]];
	const [cmd, args] = netns ? wrapInNetns(...inner) : inner;
	return runInner({
		cmd,
		args,
		marker: 'E2E_RESULT',
		timeoutMs: LINE_TIMEOUT_MS,
		// Passed on, so line.js can stop its n8n by pid before it goes; no further line starts.
		onSignal: () => {
			interrupted = true;
		},
		onTimeout: (pid) => console.log(`FAIL [line ${lineNo}] timed out after ${LINE_TIMEOUT_MS / 60_000} min, stopping pid ${pid}`),
		fallback: (code) => ({ passed: 0, failed: 1, skipped: 0, failures: [`[line ${lineNo}] ended (exit ${code}) without a result`] }),
	});
}

async function main() {
	const lines = (option('line') ?? Object.keys(LINES).join(',')).split(',').map(Number);
	const netns = !flag('no-netns');
	const outer = new Checks('[setup]');
	const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portalduct-e2e-'));
	console.log(`     [setup] work folder ${workDir}`);
	const totals = { passed: 0, failed: 0, skipped: 0, failures: [] };

	// Outside the namespace: installing n8n is the one step that needs the npm registry.
	for (const lineNo of lines) {
		if (installed(lineNo)) continue;
		await outer.check(`install n8n line ${lineNo} (cached for next time)`, async () => {
			if (flag('no-install')) throw new Error(`not installed; run test/e2e/install-n8n.sh ${lineNo}`);
			// Inherited output: the script prints progress through a ~5 min cold install.
			const r = spawnSync('bash', [path.join(__dirname, 'install-n8n.sh'), String(lineNo)], {
				stdio: ['ignore', 'inherit', 'inherit'],
				timeout: 60 * 60_000,
			});
			if (r.status !== 0) throw new Error(`install-n8n.sh ${lineNo} exited ${r.status ?? r.signal}`);
		});
	}

	const pkg = await outer.check(flag('use-dist') ? 'pack the existing dist/' : 'build and pack the package in a private copy', () =>
		buildAndPack({ repo: REPO, workDir, useDist: flag('use-dist') }),
	);
	if (pkg) {
		console.log(`     [setup] ${path.basename(pkg.tarball)}: nodes ${pkg.nodes.map((n) => n.name).join(', ') || '(none)'}; credentials ${pkg.credentials.map((c) => c.name).join(', ') || '(none)'}; sandbox ${pkg.sandboxModule ? 'yes' : 'no'}`);
		const manifestFile = path.join(workDir, 'manifest.json');
		fs.writeFileSync(manifestFile, JSON.stringify({ ...pkg, repo: REPO, workDir, netns }, null, 2));
		for (const lineNo of lines) {
			if (interrupted) break;
			if (!installed(lineNo)) continue; // its install check already failed
			const r = await runLine(lineNo, manifestFile, netns);
			totals.passed += r.passed;
			totals.failed += r.failed;
			totals.skipped += r.skipped;
			totals.failures.push(...r.failures);
		}
	}

	const o = outer.totals();
	totals.passed += o.passed;
	totals.failed += o.failed;
	totals.failures.unshift(...o.failures);
	if (totals.failures.length) console.log(`\nFailed:\n${totals.failures.map((f) => `  ${f}`).join('\n')}`);
	if (totals.skipped) console.log(`${totals.skipped} skipped (waiting for parts of the package; see "skip" lines)`);
	if (flag('keep') || totals.failed) console.log(`Kept ${workDir} (user folders with n8n-start.log, tarball)`);
	else fs.rmSync(workDir, { recursive: true, force: true });
	console.log(`${totals.passed} passed, ${totals.failed} failed`);
	process.exitCode = totals.failed ? 1 : 0;
}

main().catch((error) => {
	console.error(error);
	console.log('0 passed, 1 failed');
	process.exitCode = 1;
});
