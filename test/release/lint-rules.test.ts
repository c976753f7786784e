/**
 * `npm run lint` applies n8n-node's default rules (eslint.config.mjs) to the shipped code: a file of
 * nodes/ or credentials/ with an `any` in it fails, the same file without it passes, and the tests
 * are left to their own rules. ESLint runs in a child process (its config file is an ES module).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const REPO = path.join(__dirname, '..', '..');

interface LintCase {
	/** Where the text claims to live: which rules apply depends on it. */
	filePath: string;
	code: string;
}
interface LintFinding {
	ruleId: string | null;
	line: number;
	severity: number;
}
interface LintResult {
	ignored: boolean;
	findings: LintFinding[];
}

// ESLint's own API with the repository's eslint.config.mjs, once for all cases.
const LINT_SCRIPT = `
import { ESLint } from 'eslint';
const cases = JSON.parse(await new Promise((ok) => { let s = ''; process.stdin.on('data', (d) => (s += d)).on('end', () => ok(s)); }));
const eslint = new ESLint({ cwd: process.cwd() });
const out = [];
for (const c of cases) {
	const ignored = await eslint.isPathIgnored(c.filePath);
	const [result] = ignored ? [{ messages: [] }] : await eslint.lintText(c.code, { filePath: c.filePath });
	out.push({ ignored, findings: result.messages.map((m) => ({ ruleId: m.ruleId, line: m.line, severity: m.severity })) });
}
process.stdout.write(JSON.stringify(out));
`;

function lint(cases: LintCase[]): LintResult[] {
	const r = spawnSync(process.execPath, ['--input-type=module', '-e', LINT_SCRIPT], {
		cwd: REPO,
		input: JSON.stringify(cases.map((c) => ({ ...c, filePath: path.join(REPO, c.filePath) }))),
		encoding: 'utf8',
		timeout: 170_000,
	});
	if (r.status !== 0) throw new Error(`ESLint did not run: ${r.stderr || r.error}`);
	return JSON.parse(r.stdout) as LintResult[];
}

const read = (file: string) => fs.readFileSync(path.join(REPO, file), 'utf8');

/** `code` with `from` replaced once; fails when `from` is not there, so a test cannot go stale. */
function plant(code: string, from: string, to: string): { code: string; line: number } {
	const at = code.indexOf(from);
	if (at < 0) throw new Error(`"${from}" is not in the file any more`);
	return { code: code.slice(0, at) + to + code.slice(at + from.length), line: code.slice(0, at).split('\n').length };
}

describe("n8n-node's lint rules over the shipped code", () => {
	const TYPES = 'nodes/PortalDuct/actions/types.ts';
	const CREDENTIAL = 'credentials/PortalDuctApi.credentials.ts';
	const typesWithAny = plant(read(TYPES), 'actions: PortalDuctAction[];', 'actions: Array<PortalDuctAction | any>;');
	const credentialWithAny = plant(read(CREDENTIAL), 'export class PortalDuctApi', 'export const planted: any = 1;\nexport class PortalDuctApi');

	let results: LintResult[];
	beforeAll(() => {
		results = lint([
			{ filePath: TYPES, code: read(TYPES) },
			{ filePath: TYPES, code: typesWithAny.code },
			{ filePath: CREDENTIAL, code: read(CREDENTIAL) },
			{ filePath: CREDENTIAL, code: credentialWithAny.code },
			// n8n Cloud's rules are for the package, not its tests (which use process, timers, fs).
			{ filePath: 'test/release/planted.test.ts', code: 'export const planted: any = setTimeout;\n' },
		]);
	});

	test('a node file as it is passes, with no warning', () => {
		expect(results[0]).toEqual({ ignored: false, findings: [] });
	});

	test('the same node file with an `any` planted fails on that line', () => {
		expect(results[1].findings).toEqual([
			{ ruleId: '@typescript-eslint/no-explicit-any', line: typesWithAny.line, severity: 2 },
		]);
	});

	test('a credential file passes as it is and fails with an `any` planted', () => {
		expect(results[2]).toEqual({ ignored: false, findings: [] });
		expect(results[3].findings).toEqual([
			{ ruleId: '@typescript-eslint/no-explicit-any', line: credentialWithAny.line, severity: 2 },
		]);
	});

	test('the tests are not linted with n8n Cloud rules', () => {
		expect(results[4].ignored).toBe(true);
	});

	test('is what npm run lint runs, with warnings counted as failures', () => {
		const pkg = JSON.parse(read('package.json'));
		expect(pkg.scripts.lint).toMatch(/^eslint --max-warnings 0 \. && /);
		expect(read('eslint.config.mjs')).toMatch(/import \{ config \} from '@n8n\/node-cli\/eslint';/);
		expect(pkg.devDependencies['@n8n/node-cli']).toMatch(/^\d+\.\d+\.\d+$/);
	});
});
