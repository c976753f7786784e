'use strict';
// The Dockerfile of docs/docker, read and replayed without Docker: its RUN steps run in a temp
// folder standing for the image's /home/node, its COPY steps copy from a temp build context. Only
// what that recipe needs is understood; anything else is refused by name rather than skipped.
const fs = require('node:fs');
const path = require('node:path');
const { run } = require('../../e2e/lib/proc');

/** The image's home of the user n8n runs as; its .n8n is n8n's user folder. */
const IMAGE_HOME = '/home/node';
/** What the official n8n image sets that matters to a RUN step (docker/images/n8n/Dockerfile). */
const IMAGE_ENV = { NODE_ENV: 'production', SHELL: '/bin/sh' };

/**
 * Instructions of a Dockerfile: [{ line, instruction, args }]. Handles comments (also inside a
 * continued instruction, as Docker does), backslash continuations and empty lines.
 */
function parseDockerfile(text) {
	const out = [];
	let current;
	const lines = text.split('\n');
	for (let i = 0; i < lines.length; i++) {
		const raw = lines[i].replace(/\r$/, '');
		if (/^\s*#/.test(raw)) {
			if (!current && /^#\s*(escape|syntax)\s*=/i.test(raw) && out.length === 0) {
				throw new Error(`line ${i + 1}: parser directive "${raw}" is not understood by this replay`);
			}
			continue;
		}
		if (!current && !raw.trim()) continue;
		const continued = /\\\s*$/.test(raw);
		const content = continued ? raw.replace(/\\\s*$/, '') : raw;
		if (current) current.text += content;
		else current = { line: i + 1, text: content };
		if (!continued) {
			const match = /^\s*(\S+)\s*(.*)$/s.exec(current.text);
			out.push({ line: current.line, instruction: match[1].toUpperCase(), args: match[2].trim() });
			current = undefined;
		}
	}
	if (current) throw new Error(`line ${current.line}: the last instruction ends with a continuation`);
	return out;
}

/** Problems with the recipe as a whole (empty: none): base image, user, ownership, known steps. */
function reviewRecipe(instructions, { image, version }) {
	const problems = [];
	const froms = instructions.filter((s) => s.instruction === 'FROM');
	if (froms.length !== 1) problems.push(`expected one FROM, found ${froms.length}`);
	else if (froms[0].args !== `${image}:${version}`) {
		problems.push(`line ${froms[0].line}: FROM ${froms[0].args}, expected ${image}:${version} (the n8n version the e2e suite tests)`);
	}
	let user = 'node'; // the official image's last USER
	for (const step of instructions) {
		switch (step.instruction) {
			case 'FROM':
			case 'LABEL':
				break;
			case 'USER':
				user = step.args;
				if (user !== 'node') problems.push(`line ${step.line}: USER ${user}: n8n runs as node, so the package must be installed as node`);
				break;
			case 'COPY': {
				const { flags } = copyArgs(step.args);
				if (flags.chown !== 'node:node') problems.push(`line ${step.line}: COPY without --chown=node:node leaves root-owned files in the user folder`);
				const other = Object.keys(flags).filter((f) => f !== 'chown');
				if (other.length) problems.push(`line ${step.line}: COPY --${other.join(', --')} is not understood by this replay`);
				break;
			}
			case 'RUN':
				if (step.args.startsWith('[')) problems.push(`line ${step.line}: RUN in exec form is not understood by this replay`);
				break;
			default:
				problems.push(`line ${step.line}: ${step.instruction} is not understood by this replay; teach test/tools/docker-recipe/dockerfile.js`);
		}
		if (/\$\{?[A-Za-z_]/.test(step.args) && step.instruction !== 'RUN') {
			problems.push(`line ${step.line}: variables in ${step.instruction} are not understood by this replay`);
		}
	}
	return problems;
}

/** COPY [--flag=value ...] <src>... <dest> */
function copyArgs(args) {
	const words = args.split(/\s+/).filter(Boolean);
	const flags = {};
	while (words[0]?.startsWith('--')) {
		const [name, value] = words.shift().slice(2).split('=');
		flags[name] = value;
	}
	return { flags, sources: words.slice(0, -1), dest: words[words.length - 1] };
}

/** The image path as it is in the temp folder standing for the image's /home/node. */
function localPath(imagePath, home) {
	return imagePath.split(IMAGE_HOME).join(home);
}

/**
 * A RUN command with the image's home replaced by the temp one; refuses a command that names any
 * other absolute path, since it runs on this machine and not in an image.
 */
function localCommand(command, home) {
	const replaced = localPath(command, home);
	const outside = [...replaced.matchAll(/(?:^|[\s'"=:<>(])(\/[^\s'";|&)<>]*)/g)]
		.map((m) => m[1])
		.filter((p) => p !== '/dev/null' && p !== home && !p.startsWith(`${home}/`));
	if (outside.length) throw new Error(`RUN names ${outside.join(', ')}, outside ${IMAGE_HOME}: not replayed on this machine`);
	return replaced;
}

/** Files of the build context matching a COPY source (wildcards * and ? in the last part only). */
function contextMatches(context, source) {
	if (source.includes('..') || path.isAbsolute(source)) throw new Error(`COPY source ${source} is outside the build context`);
	const dir = path.join(context, path.dirname(source));
	const pattern = new RegExp(`^${path.basename(source).replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
	return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => pattern.test(f)).map((f) => path.join(dir, f)) : [];
}

/**
 * Replays the recipe: COPY from `context` into `home`, RUN with `sh -c` in `home` (the image's
 * WORKDIR) with an environment like the image's. Logs each step; throws on the first failure.
 */
async function replay(instructions, { home, context, log = () => undefined, timeoutMs = 180_000 }) {
	const env = { PATH: process.env.PATH, HOME: home, ...IMAGE_ENV };
	for (const step of instructions) {
		if (step.instruction === 'COPY') {
			const { sources, dest } = copyArgs(step.args);
			const target = localPath(dest, home);
			if (!target.startsWith(home)) throw new Error(`line ${step.line}: COPY to ${dest}, outside ${IMAGE_HOME}`);
			const files = sources.flatMap((s) => contextMatches(context, s));
			if (!files.length) throw new Error(`line ${step.line}: COPY ${sources.join(' ')}: no such file in the build context`);
			const intoDir = dest.endsWith('/') || files.length > 1;
			fs.mkdirSync(intoDir ? target : path.dirname(target), { recursive: true });
			for (const file of files) fs.copyFileSync(file, intoDir ? path.join(target, path.basename(file)) : target);
			log(`line ${step.line}: COPY ${files.map((f) => path.basename(f)).join(' ')} -> ${target}`);
		} else if (step.instruction === 'RUN') {
			const command = localCommand(step.args, home);
			log(`line ${step.line}: RUN ${command.length > 160 ? `${command.slice(0, 160)}...` : command}`);
			const r = await run('sh', ['-c', command], { env, cwd: home, timeoutMs });
			if (r.code !== 0) {
				throw new Error(`line ${step.line}: RUN exited ${r.timedOut ? `(timed out after ${timeoutMs} ms)` : r.code}\n${r.stdout}${r.stderr}`);
			}
		}
	}
}

module.exports = { parseDockerfile, reviewRecipe, replay, localCommand, IMAGE_HOME };
