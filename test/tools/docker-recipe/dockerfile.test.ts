/**
 * The Dockerfile replay behind `npm run test:docker-recipe` (test/tools/docker-recipe/dockerfile.js):
 * it reads what Docker reads, refuses what it cannot replay faithfully, and runs nothing outside
 * the temp folder standing for the image's /home/node.
 */
import fs from 'node:fs';
import path from 'node:path';

type Step = { line: number; instruction: string; args: string };
const { parseDockerfile, reviewRecipe, localCommand } = require('./dockerfile') as {
	parseDockerfile: (text: string) => Step[];
	reviewRecipe: (steps: Step[], pin: { image: string; version: string }) => string[];
	localCommand: (command: string, home: string) => string;
};
const { LINES } = require('../../e2e/lib/lines') as { LINES: Record<number, { version: string }> };

const PIN = { image: 'n8nio/n8n', version: '2.41.1' };

test('continuations, comments inside them and empty lines are read as Docker reads them', () => {
	const steps = parseDockerfile(
		['# top comment', 'FROM n8nio/n8n:2.41.1', '', 'RUN echo a \\', '# inside', '    && echo b', 'user node'].join('\n'),
	);
	expect(steps).toEqual([
		{ line: 2, instruction: 'FROM', args: 'n8nio/n8n:2.41.1' },
		{ line: 4, instruction: 'RUN', args: 'echo a     && echo b' },
		{ line: 7, instruction: 'USER', args: 'node' },
	]);
});

test('the recipe in docs/docker pins the n8n version the e2e suite tests, installs as node, and replays', () => {
	const steps = parseDockerfile(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'docker', 'Dockerfile'), 'utf8'));
	expect(reviewRecipe(steps, { image: 'n8nio/n8n', version: LINES[2].version })).toEqual([]);
	expect(steps.filter((s) => s.instruction === 'RUN').length).toBeGreaterThan(0);
	for (const run of steps.filter((s) => s.instruction === 'RUN')) expect(() => localCommand(run.args, '/tmp/x/home')).not.toThrow();
});

test.each([
	['another n8n version', 'FROM n8nio/n8n:latest', 'expected n8nio/n8n:2.41.1'],
	['root as the installing user', 'FROM n8nio/n8n:2.41.1\nUSER root', 'USER root'],
	['a COPY that leaves root-owned files', 'FROM n8nio/n8n:2.41.1\nCOPY x.tgz /home/node/.n8n/nodes/', 'without --chown=node:node'],
	['an instruction the replay does not know', 'FROM n8nio/n8n:2.41.1\nENV N8N_PORT=5678', 'ENV is not understood'],
	['RUN in exec form', 'FROM n8nio/n8n:2.41.1\nRUN ["npm", "install"]', 'exec form'],
	['a variable in FROM', 'ARG V=2.41.1\nFROM n8nio/n8n:${V}', 'variables in FROM'],
])('a recipe with %s is refused', (_what, text, message) => {
	expect(reviewRecipe(parseDockerfile(text), PIN)).toContainEqual(expect.stringContaining(message));
});

test("RUN steps run in the temp home; any other absolute path is refused, /dev/null excepted", () => {
	expect(localCommand('cd /home/node/.n8n/nodes && ls 2>/dev/null', '/tmp/h')).toBe('cd /tmp/h/.n8n/nodes && ls 2>/dev/null');
	expect(() => localCommand('rm -rf /usr/local/lib/node_modules/n8n', '/tmp/h')).toThrow('/usr/local/lib/node_modules/n8n');
	expect(() => localCommand('cp x "/etc/passwd"', '/tmp/h')).toThrow('/etc/passwd');
});
