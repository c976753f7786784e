/**
 * The local PortalDuct sandbox: a real HTTP server with in-memory state implementing PortalDuct's API,
 * plus /_sandbox control endpoints and a /collector page. One instance per test, on a free port:
 *
 *   const sandbox = await startSandbox({ connectionDecisionDelayMs: 50 });
 *   ... point the code under test at sandbox.url, log in with sandbox.login ...
 *   await sandbox.close();
 */
import type { AddressInfo } from 'node:net';
import { createControl } from './control';
import { createCore } from './core';
import { createHttpServer } from './server';
import { DEFAULT_SETTINGS, settingsSnapshot, validateSettingsPatch } from './settings';
import type { Sandbox, SandboxOptions, SandboxSettings } from './types';

export * from './types';
export { SandboxError } from './errors';
export { signatureHeader, SIGNATURE_HEADER, USER_AGENT } from './deliveries';
export { PORTALS } from './connections';

export const DEFAULT_EMAIL = 'demo@portalduct.test';
export const DEFAULT_PASSWORD = 'sandbox-password';

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	const { port = 0, host = '127.0.0.1', email = DEFAULT_EMAIL, password = DEFAULT_PASSWORD, ...rest } = options;
	// Options use the same checks as PATCH /_sandbox/settings, so a typo fails at start, not later.
	const settings: SandboxSettings = { ...settingsSnapshot(DEFAULT_SETTINGS as SandboxSettings), ...validateSettingsPatch(rest) };
	const core = createCore(settings, email, password);
	const control = createControl(core);
	const server = createHttpServer(core, control);

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const address = server.address() as AddressInfo;
	// Listening on every interface still means "call me on loopback" for the URL we hand out.
	const bound = address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '::1' : address.address;
	const urlHost = bound.includes(':') ? `[${bound}]` : bound;

	let closing: Promise<void> | undefined;
	return {
		url: `http://${urlHost}:${address.port}`,
		login: { email, password },
		state: core.state,
		control,
		close() {
			closing ??= new Promise<void>((resolve) => {
				core.timers.close();
				core.deliveries.close();
				server.close(() => resolve());
				server.closeAllConnections();
			});
			return closing;
		},
	};
}
