/**
 * Whether the PortalDuct credential can differ from item to item, so the node knows if reading it
 * once per run is enough.
 *
 * n8n resolves a credential's expressions (a Base URL like `{{ $json.env === 'b' ? ... : ... }}`)
 * only when a node reads it for an item, from the database each time, and shows a node the
 * resolved values only. So the credential carries a hidden field whose default is an expression
 * that n8n resolves along with the rest: it reads the STORED Base URL, Email and Password through
 * `$rawParameter["&<field>"]` (n8n-workflow's WorkflowDataProxy: `&` names a sibling field, raw
 * = unresolved) and lists those that are expressions (stored with n8n's leading `=`).
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

/** The credential fields a user can make expressions of. */
const USER_FIELDS = ['baseUrl', 'email', 'password'] as const;

/** Name of the hidden credential field that holds the answer. */
export const EXPRESSION_FIELDS = 'expressionFields';

/** What the probe resolves to when its lookup fails: not '', so the node reads the credential per item. */
export const EXPRESSION_FIELDS_UNKNOWN = 'unknown';

/**
 * Its default (and what preAuthentication writes back, so n8n 1.x, which stores the resolved
 * credential after a login, keeps the expression rather than a fixed answer). Resolves to '' when
 * no user field is an expression, else their names joined by commas, e.g. `baseUrl`. Fail-safe:
 * `$rawParameter["&<field>"]` throws when n8n cannot find the sibling field (n8n-workflow
 * WorkflowDataProxy), and a throwing field would fail every read of the credential; inside the
 * try it resolves to `unknown` instead, and the node reads the credential per item.
 */
export const EXPRESSION_FIELDS_PROBE = `={{ (() => { try { return ${JSON.stringify(USER_FIELDS)}.filter((name) => String($rawParameter["&" + name] ?? "").startsWith("=")).join(","); } catch (error) { return "${EXPRESSION_FIELDS_UNKNOWN}"; } })() }}`;

/**
 * True only when n8n resolved the probe to '' (no field is an expression): then the credential is
 * the same for every item of a run. Anything else (a field is an expression, the probe missing,
 * unresolved or failed) counts as "may differ per item", which is always safe.
 */
export function sameForEveryItem(data: ICredentialDataDecryptedObject): boolean {
	return data[EXPRESSION_FIELDS] === '';
}
