#!/usr/bin/env node
'use strict';
// The publish workflow publishes by npm trusted publishing (OIDC) and names no npm token:
//
//   node test/release/check-publish-workflow.js [WORKFLOW_FILE]
//
// WORKFLOW_FILE defaults to .github/workflows/publish.yml. Prints each problem and exits 1, or
// prints "passed" and exits 0. release-guards.test.ts runs it on the real file and planted ones.
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');

/** Ways a workflow hands npm a token (any case): env names, secrets, .npmrc keys, setup-node's. */
const TOKEN_WORDS = [
	[/NODE_AUTH_TOKEN/i, 'NODE_AUTH_TOKEN'],
	[/NPM_TOKEN/i, 'an NPM_TOKEN'],
	[/_authToken/i, 'an _authToken (.npmrc or npm_config__authToken)'],
	[/npm_config__auth\b|(^|[^\w])_auth\s*=/im, 'an npm _auth setting'],
	[/\bsecrets\s*\./i, 'a repository secret'],
	[/registry-url\s*:/i, "setup-node's registry-url (it writes an .npmrc that sends a placeholder token)"],
];

/** Whether `version` is `min` ("11.5.1") or later, comparing major.minor.patch as numbers. */
function atLeast(version, min) {
	const a = String(version).split('.').map(Number);
	const b = min.split('.').map(Number);
	for (let i = 0; i < b.length; i++) {
		if ((a[i] ?? 0) !== b[i]) return (a[i] ?? 0) > b[i];
	}
	return true;
}

/** Every problem of a publish workflow's text for trusted publishing; [] when there is none. */
function publishWorkflowProblems(text) {
	const problems = [];
	for (const [pattern, what] of TOKEN_WORDS) {
		const line = text.split('\n').findIndex((l) => pattern.test(l));
		if (line >= 0) problems.push(`names ${what} on line ${line + 1}: trusted publishing needs no token`);
	}
	let doc;
	try {
		doc = YAML.parse(text);
	} catch (error) {
		return [...problems, `is not YAML: ${error.message}`];
	}
	const jobs = Object.values(doc?.jobs ?? {});
	const publishJob = jobs.find((job) => (job.steps ?? []).some((s) => /\bnpm publish\b/.test(s.run ?? '')));
	if (!publishJob) return [...problems, 'has no step that runs npm publish'];

	const idToken = publishJob.permissions?.['id-token'] ?? doc.permissions?.['id-token'];
	if (idToken !== 'write') problems.push('does not grant "permissions: id-token: write" (the OIDC identity npm publishes with)');

	const steps = publishJob.steps;
	const at = steps.findIndex((s) => /\bnpm publish\b/.test(s.run ?? ''));
	const publish = steps[at].run;
	if (!/--provenance\b/.test(publish)) problems.push('runs npm publish without --provenance');
	const before = steps.slice(0, at);
	const npmInstalls = before
		.map((s) => /npm (?:install|i) (?:-g|--global) npm@(\d+\.\d+\.\d+)/.exec(s.run ?? ''))
		.filter(Boolean);
	const lastNpm = npmInstalls.at(-1);
	if (!lastNpm || !atLeast(lastNpm[1], '11.5.1')) {
		problems.push(`publishes with npm ${lastNpm ? lastNpm[1] : "of setup-node's Node"}: trusted publishing needs npm 11.5.1 or later`);
	}
	const lastNode = before.filter((s) => /^actions\/setup-node@/.test(s.uses ?? '')).at(-1);
	const node = String(lastNode?.with?.['node-version'] ?? '');
	// "22" is the newest 22.x; "22.9" is 22.9.x.
	const [major, minor] = node.split('.').map(Number);
	if (!(major > 22 || (major === 22 && (minor === undefined || minor >= 14)))) {
		problems.push(`publishes on Node ${node || '(unset)'}: trusted publishing needs Node 22.14 or later`);
	}
	return problems;
}

module.exports = { publishWorkflowProblems };

if (require.main === module) {
	const file = process.argv[2] ?? path.join(__dirname, '..', '..', '.github', 'workflows', 'publish.yml');
	const problems = publishWorkflowProblems(fs.readFileSync(file, 'utf8'));
	for (const p of problems) console.error(`${path.basename(file)} ${p}`);
	if (problems.length > 0) process.exit(1);
	console.log(`passed: ${path.basename(file)} publishes by trusted publishing, with no token`);
}
