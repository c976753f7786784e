/**
 * Process environment that n8n-core reads when it first builds its services (config, instance
 * settings, logger). index.ts imports this module before anything else so the values are in
 * place before n8n-core's container constructs anything.
 */
import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const FOLDER_PREFIX = 'n8n-harness-';

/**
 * One user folder per test process: n8n-core creates it and writes its encryption key there on
 * first use (InstanceSettings). Nothing is created here, so merely importing the harness leaves
 * no trace.
 */
function chooseUserFolder(): { folder: string; ownedByHarness: boolean } {
	const given = process.env.N8N_USER_FOLDER;
	if (given) return { folder: given, ownedByHarness: false };
	const folder = join(tmpdir(), `${FOLDER_PREFIX}${process.pid}`);
	process.env.N8N_USER_FOLDER = folder;
	return { folder, ownedByHarness: true };
}

/** Removes folders left by harness processes that are gone (killed runs, unclosed harnesses). */
function sweepStaleUserFolders(): void {
	try {
		for (const name of readdirSync(tmpdir())) {
			const pid = Number(name.slice(FOLDER_PREFIX.length));
			if (!name.startsWith(FOLDER_PREFIX) || !Number.isInteger(pid) || pid === process.pid) continue;
			try {
				process.kill(pid, 0);
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code === 'ESRCH') {
					rmSync(join(tmpdir(), name), { recursive: true, force: true });
				}
			}
		}
	} catch {
		// Housekeeping only.
	}
}

function keepLoopbackOffProxies(): void {
	const loopback = ['127.0.0.1', 'localhost', '::1'];
	for (const name of ['NO_PROXY', 'no_proxy']) {
		const entries = (process.env[name] ?? '')
			.split(',')
			.map((entry) => entry.trim())
			.filter(Boolean);
		for (const host of loopback) if (!entries.includes(host)) entries.push(host);
		process.env[name] = entries.join(',');
	}
}

const userFolder = chooseUserFolder();
if (userFolder.ownedByHarness) sweepStaleUserFolders();

// The harness captures logs through its own Logger (logging.ts); n8n's winston logger stays quiet.
process.env.N8N_LOG_LEVEL ??= 'silent';
// The `vm` engine needs isolated-vm, which is not built on Node 20: n8n-workflow 2.x builds it only on Node 22 or later.
if (process.env.N8N_EXPRESSION_ENGINE === 'vm') process.env.N8N_EXPRESSION_ENGINE = 'legacy';
process.env.N8N_DIAGNOSTICS_ENABLED ??= 'false';
keepLoopbackOffProxies();

export const N8N_USER_FOLDER = userFolder.folder;

let openHarnesses = 0;

/** Counts a harness that may need the user folder. */
export function holdUserFolder(): void {
	openHarnesses++;
}

/**
 * Removes the harness-made user folder once no harness is open (it only holds n8n's key file).
 * Safe mid-process: n8n-core keeps the key in memory and recreates the folder if it needs it.
 * (An exit listener would not do: jest gives each test file its own `process` events.)
 */
export function releaseUserFolder(): void {
	openHarnesses = Math.max(0, openHarnesses - 1);
	if (openHarnesses > 0 || !userFolder.ownedByHarness) return;
	try {
		rmSync(userFolder.folder, { recursive: true, force: true });
	} catch {
		// A leftover temp folder is harmless.
	}
}
