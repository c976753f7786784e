/**
 * What the sandbox CLI says instead of a raw EADDRINUSE: the port, what holds it (it asks: a
 * sandbox answers GET /_sandbox with its name) and the option to use instead, on one line.
 */

/** How long the question to whatever holds the port may take; a silent holder is "another program". */
const PROBE_TIMEOUT_MS = 2_000;

/** Whether the server on host:port is a PortalDuct sandbox (another CLI, or the one `npm start` runs). */
async function isSandbox(host: string, port: number): Promise<boolean> {
	// A wildcard address is answered on loopback too; an IPv6 literal needs brackets in a URL.
	const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
	const origin = `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
	try {
		const res = await fetch(`${origin}/_sandbox`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
		const body = (await res.json()) as { name?: unknown };
		return body.name === 'PortalDuct sandbox';
	} catch {
		return false;
	}
}

/** The line for a listen that failed with EADDRINUSE on host:port. */
export async function portTakenMessage(host: string, port: number): Promise<string> {
	if (await isSandbox(host, port)) {
		// The running one is usually what the user wants (`npm start`'s n8n is connected to it): a
		// second sandbox starts empty and no n8n knows it.
		const origin = `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${port}`;
		return `Port ${port} on ${host} is taken: a PortalDuct sandbox already runs there (another \`npm run sandbox\`, or the one \`npm start\` runs): use that one at ${origin} (its data and controls: ${origin}/_sandbox). To start a second, empty sandbox no n8n knows, use \`npm run sandbox -- --port 0\` for any free port, or --port N / PORTALDUCT_SANDBOX_PORT=N.`;
	}
	const holder = `another program holds it (\`ss -ltnp 'sport = :${port}'\` shows which)`;
	return `Port ${port} on ${host} is taken: ${holder}. Use \`npm run sandbox -- --port 0\` for any free port, or --port N / PORTALDUCT_SANDBOX_PORT=N for another.`;
}
