#!/usr/bin/env node
// Runs n8n's community-package analyser (@n8n/scan-community-package) the way n8n's verification
// does, on what we would publish: the `npm pack` tarball (compiled .js + package.json) and the
// TypeScript sources. Its CLI downloads from the npm registry; we point its analyser at local files.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const scanner = path.join(root, 'node_modules/@n8n/scan-community-package/scanner/scanner.mjs');
const { analyzePackage, SOURCE_FILE_PATTERNS } = await import(scanner);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'portalduct-scan-'));
try {
	const pack = spawnSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: root, encoding: 'utf8' });
	if (pack.status !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
	const tarball = path.join(work, pack.stdout.trim().split('\n').pop());
	const unpacked = path.join(work, 'package');
	fs.mkdirSync(unpacked);
	const untar = spawnSync('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1']);
	if (untar.status !== 0) throw new Error(`tar failed: ${untar.stderr}`);

	const results = [
		['tarball', await analyzePackage(unpacked, ['**/*.js', 'package.json'])],
		['sources', await analyzePackage(root, SOURCE_FILE_PATTERNS)],
	];
	let failed = 0;
	for (const [leg, result] of results) {
		console.log(`${result.passed ? 'passed' : 'FAILED'}: scan of the ${leg}${result.message ? ` (${result.message})` : ''}`);
		if (result.details) console.log(result.details);
		if (!result.passed) failed++;
	}
	process.exitCode = failed ? 1 : 0;
} finally {
	fs.rmSync(work, { recursive: true, force: true });
}
