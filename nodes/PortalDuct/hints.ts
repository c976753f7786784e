/**
 * Hints n8n shows with the node (UX guidelines: help in context): `editorHints` in the panel while
 * a field is set that needs a word, `runHints` above the output after a run that needs one.
 */
import type { IExecuteFunctions, NodeExecutionHint, NodeHint } from 'n8n-workflow';

import type { Run } from './transport/run';

/** From this many invoices on, a Return All gets a hint after the run. */
export const BIG_RETURN_ALL = 1000;

const INCLUDE_TOKEN =
	'Include Token puts the access and refresh tokens in the output. They are secrets: anyone who can open this execution can use them until they expire. Turn it off unless a next node needs the token.';
const SMALLER_OUTPUT = 'Set a Limit, or turn on Simplify to keep each item small.';
const RETURN_ALL = `Return All fetches every page of the connection: a big connection can mean thousands of items in one execution. ${SMALLER_OUTPUT}`;
const RATE_LIMITS =
	'PortalDuct may limit how many requests an account sends at once. On a 429 (too many requests) the node waits as long as PortalDuct asks, then tries again; a lower Concurrency avoids the waits.';

/** The panel's hints: each shown while its field is set (n8n evaluates `displayCondition`). */
export const editorHints: NodeHint[] = [
	{
		message: INCLUDE_TOKEN,
		type: 'warning',
		location: 'ndv',
		whenToDisplay: 'always',
		displayCondition: '={{ $parameter["resource"] === "auth" && $parameter["includeToken"] === true }}',
	},
	{
		message: RETURN_ALL,
		type: 'info',
		location: 'ndv',
		whenToDisplay: 'beforeExecution',
		displayCondition: '={{ $parameter["resource"] === "invoice" && $parameter["returnAll"] === true }}',
	},
	{
		message: RATE_LIMITS,
		type: 'info',
		location: 'ndv',
		whenToDisplay: 'beforeExecution',
		displayCondition: '={{ ($parameter["options"] || {}).concurrency > 1 }}',
	},
];

/** What the run's output needs said: a token in it, a big Return All, PortalDuct's rate limit. */
export function runHints(ctx: IExecuteFunctions, action: string, outputCount: number, run: Run): NodeExecutionHint[] {
	const hints: NodeExecutionHint[] = [];
	const items = ctx.getInputData().length;
	const onForSomeItem = (field: string) =>
		Array.from({ length: items }, (_, i) => ctx.getNodeParameter(field, i, false)).some(Boolean);
	if ((action === 'auth:getToken' || action === 'auth:refreshToken') && onForSomeItem('includeToken')) {
		hints.push({ message: INCLUDE_TOKEN, type: 'warning', location: 'outputPane' });
	}
	if (action === 'invoice:getMany' && outputCount >= BIG_RETURN_ALL && onForSomeItem('returnAll')) {
		hints.push({
			message: `Return All fetched ${outputCount.toLocaleString('en-US')} invoices in one execution. ${SMALLER_OUTPUT}`,
			type: 'info',
			location: 'outputPane',
		});
	}
	if (run.rateLimited > 0) {
		hints.push({
			message: `PortalDuct answered 429 (too many requests) ${run.rateLimited} ${run.rateLimited === 1 ? 'time' : 'times'} in this run, and the node waited as asked. Options > Concurrency is ${run.options.concurrency}: a lower one avoids the waits.`,
			type: 'info',
			location: 'outputPane',
		});
	}
	return hints;
}
