/**
 * What stands between a commit and npm: the prepublishOnly guard (no `npm publish` outside GitHub
 * Actions with provenance), the publish workflow's tag check, and audit:prod's verdicts.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const REPO = path.join(__dirname, '..', '..');
const GUARD = path.join(__dirname, 'prepublish-guard.js');
const { checkReleaseTag } = require('./check-release-tag') as {
	checkReleaseTag: (tag: string | undefined, dir: string) => { distTag?: string; error?: string };
};
const { verdict } = require('./audit-prod') as {
	verdict: (stdout: string, status: number | null) => { kind: string; lines: string[] };
};

/** This process's environment without anything that would tell the guard it may publish. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	const env = Object.fromEntries(
		Object.entries(process.env).filter(([k]) => !/^(GITHUB_|npm_|NPM_CONFIG_)/i.test(k)),
	) as NodeJS.ProcessEnv;
	return { ...env, npm_config_update_notifier: 'false', ...extra };
}

function guard(env: NodeJS.ProcessEnv) {
	return spawnSync(process.execPath, [GUARD], { env, encoding: 'utf8', timeout: 30_000 });
}

describe('prepublishOnly guard', () => {
	test('refuses outside GitHub Actions, without provenance, and says how releases are made', () => {
		const r = guard(cleanEnv());
		expect(r.status).toBe(1);
		expect(r.stderr).toContain('Refusing to publish n8n-nodes-portalduct@');
		expect(r.stderr).toContain('this is not GitHub Actions');
		expect(r.stderr).toContain('npm publish --provenance');
		expect(r.stderr).toContain('.github/workflows/publish.yml');
		expect(r.stderr).toContain('push a tag v<version>');
	});

	test('refuses in GitHub Actions when npm was not asked for provenance', () => {
		const r = guard(cleanEnv({ GITHUB_ACTIONS: 'true' }));
		expect(r.status).toBe(1);
		expect(r.stderr).not.toContain('this is not GitHub Actions');
		expect(r.stderr).toContain('provenance');
	});

	test('refuses provenance asked for outside GitHub Actions', () => {
		const r = guard(cleanEnv({ npm_config_provenance: 'true' }));
		expect(r.status).toBe(1);
		expect(r.stderr).toContain('this is not GitHub Actions');
		expect(r.stderr).not.toContain('provenance statement');
	});

	test.each([
		['--provenance (npm_config_provenance)', { npm_config_provenance: 'true' }],
		['NPM_CONFIG_PROVENANCE=true', { NPM_CONFIG_PROVENANCE: 'true' }],
	])('lets GitHub Actions with %s through', (_what, provenance) => {
		const r = guard(cleanEnv({ GITHUB_ACTIONS: 'true', ...provenance }));
		expect(r.stderr).toBe('');
		expect(r.status).toBe(0);
	});

	test('is what package.json runs before publishing, and it refuses a plain run from here', () => {
		const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
		expect(pkg.scripts.prepublishOnly).toMatch(/^node test\/release\/prepublish-guard\.js && npm run build$/);
		// Through npm, as `npm publish` runs it: npm itself does not set provenance.
		const r = spawnSync('npm', ['run', 'prepublishOnly'], {
			cwd: REPO,
			env: cleanEnv({ GITHUB_ACTIONS: 'true' }),
			encoding: 'utf8',
			timeout: 60_000,
		});
		expect(r.status).not.toBe(0);
		expect(r.stderr).toContain('npm was not asked for a provenance statement');
	});
});

describe('release tag check', () => {
	const dirs: string[] = [];
	afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

	function packageDir(version: string, changelog: string | undefined): string {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portalduct-tag-test-'));
		dirs.push(dir);
		fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'n8n-nodes-x', version }));
		if (changelog !== undefined) fs.writeFileSync(path.join(dir, 'CHANGELOG.md'), changelog);
		return dir;
	}

	test('this repository may publish the tag of its own version', () => {
		const { version } = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
		expect(checkReleaseTag(`v${version}`, REPO)).toEqual({ distTag: version.includes('-') ? 'next' : 'latest' });
	});

	test.each([
		['1.2.3', 'v1.2.3', '## [1.2.3] - 2026-12-01\n', { distTag: 'latest' }],
		['1.3.0-beta.1', 'v1.3.0-beta.1', '## [1.3.0-beta.1] - 2026-12-01\n', { distTag: 'next' }],
		['1.2.3', 'v1.2.4', '## [1.2.3] - 2026-12-01\n', { error: expect.stringContaining('does not match package.json version 1.2.3') }],
		['1.2.3', '1.2.3', '## [1.2.3] - 2026-12-01\n', { error: expect.stringContaining('is not v<major>') }],
		['1.2.3', undefined, '## [1.2.3] - 2026-12-01\n', { error: expect.stringContaining('is not v<major>') }],
		['1.2.3', 'v1.2.3', '## [Unreleased]\n- things\n', { error: expect.stringContaining('no "## [1.2.3] - YYYY-MM-DD" section') }],
		['1.2.3', 'v1.2.3', '## [1.2.3]\n', { error: expect.stringContaining('no "## [1.2.3] - YYYY-MM-DD" section') }],
		['1.2.3', 'v1.2.3', undefined, { error: 'CHANGELOG.md is missing' }],
	])('version %s, tag %s', (version, tag, changelog, expected) => {
		expect(checkReleaseTag(tag, packageDir(version, changelog))).toEqual(expected);
	});
});

describe('audit:prod verdicts', () => {
	const report = (vulnerabilities: Record<string, unknown>, total: number, prod: number) =>
		JSON.stringify({
			auditReportVersion: 2,
			vulnerabilities,
			metadata: { vulnerabilities: { total }, dependencies: { prod } },
		});

	test('no runtime dependencies is clean, and says so', () => {
		const v = verdict(report({}, 0, 1), 0);
		expect(v.kind).toBe('clean');
		expect(v.lines.join('\n')).toContain('no runtime dependencies');
	});

	test('findings fail with each advisory named', () => {
		const v = verdict(
			report({ lodash: { name: 'lodash', severity: 'high', range: '<4.17.21', via: [{ title: 'Prototype pollution', url: 'https://x' }], fixAvailable: true } }, 1, 2),
			1,
		);
		expect(v.kind).toBe('findings');
		expect(v.lines.join('\n')).toContain('high lodash <4.17.21: Prototype pollution (https://x) (fix available');
	});

	test('an unreachable audit endpoint is unknown, never clean', () => {
		const v = verdict(
			JSON.stringify({ message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk', statusCode: 405, error: { summary: '', detail: '' } }),
			1,
		);
		expect(v.kind).toBe('unknown');
		expect(v.lines.join('\n')).toContain('405 Method Not Allowed');
		expect(v.lines.join('\n')).toContain('UNKNOWN, not clean');
		expect(verdict('', null).kind).toBe('unknown');
	});
});
