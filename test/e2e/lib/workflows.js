'use strict';
// Workflow JSON for the e2e: fixtures of our own (test/e2e/fixtures) and the users' examples
// (examples/, read only), made ready to import: fixed ids, our credential, the sandbox URL.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const CREDENTIAL_TYPE = 'portalDuctApi';

function readJson(file) {
	return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function fixture(name) {
	return { source: `test/e2e/fixtures/${name}`, json: readJson(path.join(FIXTURES, name)) };
}

/** Every examples/*.json that looks like a workflow (has nodes and connections). */
function examples(repo) {
	const dir = path.join(repo, 'examples');
	if (!fs.existsSync(dir)) return [];
	return fs
		.readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((f) => ({ source: `examples/${f}`, json: readJson(path.join(dir, f)) }))
		.filter(({ json }) => Array.isArray(json.nodes) && json.connections);
}

/**
 * n8n ids are 16 alphanumerics; a stable one per role makes logs and reruns easy to follow: the
 * role's first letters, then a hash of the whole role. (Padding short roles with zeros made
 * `example1` and `example10` one id, so one import overwrote the other.) line.js refuses two
 * sources on one id.
 */
function workflowId(role) {
	const plain = `pde2e${role.replace(/[^a-zA-Z0-9]/g, '')}`;
	const hash = crypto.createHash('sha256').update(role).digest('hex').slice(0, 5);
	return `${plain.slice(0, 11).padEnd(11, '0')}${hash}`;
}

/**
 * A copy ready for `n8n import:workflow`: given id, inactive, every node that takes the PortalDuct
 * credential bound to ours (and every node taking a credential of a type in `others`, each
 * `{id, name, type}`, bound to that one), placeholders (CREDENTIAL_ID, CREDENTIAL_NAME,
 * SANDBOX_URL) filled, and a webhookId on webhook nodes (production URLs are built from it).
 */
function prepare(workflow, { id, credential, sandboxUrl, others = [] }) {
	const placeholders = {
		CREDENTIAL_ID: credential?.id ?? '',
		CREDENTIAL_NAME: credential?.name ?? '',
		SANDBOX_URL: sandboxUrl ?? 'http://127.0.0.1:9',
	};
	const fill = (value) => {
		if (typeof value === 'string') {
			return value.replace(/CREDENTIAL_ID|CREDENTIAL_NAME|SANDBOX_URL/g, (m) => placeholders[m]);
		}
		if (Array.isArray(value)) return value.map(fill);
		if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v)]));
		return value;
	};
	const wf = fill(structuredClone(workflow));
	wf.id = id;
	wf.active = false;
	delete wf.versionId; // n8n assigns its own; a stale one from an export is meaningless here
	for (const node of wf.nodes) {
		if (credential && node.credentials?.[CREDENTIAL_TYPE]) {
			node.credentials[CREDENTIAL_TYPE] = { id: credential.id, name: credential.name };
		}
		for (const other of others) {
			if (node.credentials?.[other.type]) node.credentials[other.type] = { id: other.id, name: other.name };
		}
		if (/trigger$/i.test(node.type) && !/manualTrigger$/.test(node.type) && !node.webhookId) {
			node.webhookId = crypto.randomUUID();
		}
	}
	return wf;
}

/** Node types a workflow uses, to know what it needs and what role it can play. */
const nodeTypes = (workflow) => new Set(workflow.nodes.map((n) => n.type));

/** The first node (in workflow order) of a given type whose parameters match, or undefined. */
function findNode(workflow, type, parameters = {}) {
	return workflow.nodes.find(
		(n) => n.type === type && Object.entries(parameters).every(([k, v]) => n.parameters?.[k] === v),
	);
}

/** A workflow node as the editor exports it, placed at (x, 0), with a fresh id. */
const workflowNode = (name, type, typeVersion, parameters, x, extra = {}) => ({
	id: crypto.randomUUID(),
	name,
	type,
	typeVersion,
	position: [x, 0],
	parameters,
	...extra,
});

/** Connections that run the named nodes one after another, first output to first input. */
const chain = (...names) =>
	Object.fromEntries(names.slice(0, -1).map((name, i) => [name, { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] }]));

module.exports = { fixture, examples, workflowId, prepare, nodeTypes, findNode, workflowNode, chain, CREDENTIAL_TYPE };
