/**
 * The production registrations this n8n process made or confirmed (create, checkExists), per
 * trigger node: what a test listen puts back when PortalDuct does not serve GET of the
 * registration and so cannot say where it sends. n8n runs a test listen on a copy of the workflow
 * whose static data starts empty (n8n source: packages/cli/src/webhooks/test-webhooks.ts), and on
 * main, where n8n also activates published workflows at start-up (checkExists, else create), so
 * with one main this memory knows every published trigger. With several mains (n8n's multi-main
 * setup) a test listen on another main does not: it says so in n8n's log.
 *
 * Module-level on purpose: the memory of this n8n process, which outlives each hook call.
 * Bounded: REGISTRATIONS_REMEMBERED nodes, the one used longest ago forgotten first.
 */

/** Trigger nodes remembered by this n8n instance. */
const REGISTRATIONS_REMEMBERED = 1_000;

export interface PublishedRegistration {
	/** The URL registered, with its token. */
	url: string;
	/** Its signing secret ('' without one). */
	secret: string;
}

const byNode = new Map<string, PublishedRegistration>();

/** Remembers the production registration of the trigger `node` (workflow id and webhookId). */
export function rememberPublished(node: string, registration: PublishedRegistration): void {
	byNode.delete(node);
	byNode.set(node, { ...registration });
	if (byNode.size > REGISTRATIONS_REMEMBERED) byNode.delete(byNode.keys().next().value as string);
}

/** Forgets it: the workflow was unpublished. */
export function forgetPublished(node: string): void {
	byNode.delete(node);
}

/** The production registration of the trigger `node` this n8n instance made or confirmed, if any. */
export function publishedOf(node: string): PublishedRegistration | undefined {
	const found = byNode.get(node);
	return found ? { ...found } : undefined;
}
