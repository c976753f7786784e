'use strict';
// What n8n's editor would flag on a workflow node, judged with the line's own n8n-workflow against
// the node type descriptions that line serves (GET /types/nodes.json). The editor loads a node's
// parameters with NodeHelpers.getNodeParameters (defaults filled, hidden ones dropped) and marks
// issues with NodeHelpers.getNodeParametersIssues (required, filters, resource locators); its
// parameter inputs also refuse an option value that is not offered. We add what the editor drops
// without a word: a parameter name that the type does not have, or that is not shown, is lost on
// import, so an example relying on it would silently do something else.
const path = require('node:path');

/** The line's n8n-workflow (the one its n8n runs), not this repository's development copy. */
function lineWorkflowLibrary(line) {
	return require(path.join(line.dir, 'node_modules', 'n8n-workflow'));
}

/** The description of `type` in `typeVersion` among what /types/nodes.json served, or undefined. */
function describe(nodeTypes, type, typeVersion) {
	return nodeTypes.find((d) => d.name === type && [].concat(d.version).includes(typeVersion));
}

const isExpression = (value) => typeof value === 'string' && value.startsWith('=');

/** An options parameter whose choices are fixed in its description (not loaded from the service). */
const staticChoices = (p) =>
	(p.type === 'options' || p.type === 'multiOptions') &&
	!p.typeOptions?.loadOptionsMethod &&
	!p.typeOptions?.loadOptions &&
	Array.isArray(p.options)
		? p.options.map((o) => o.value)
		: undefined;

/**
 * Problems of one level of values against the properties that may hold them: names not shown (or
 * unknown) at this level, option values not offered; then the same inside collections.
 * `shown(p)` says whether a property is displayed at this level.
 */
function valueProblems(values, properties, shown, where) {
	const problems = [];
	for (const [name, value] of Object.entries(values ?? {})) {
		const candidates = properties.filter((p) => p.name === name && shown(p));
		if (candidates.length === 0) {
			problems.push(`${where}${name}: not a parameter shown here, n8n drops it`);
			continue;
		}
		// Several properties may share a name under different displayOptions; one shown one fits.
		const property = candidates[0];
		const choices = staticChoices(property);
		if (choices && !isExpression(value)) {
			for (const v of property.type === 'multiOptions' ? [].concat(value) : [value]) {
				if (!choices.includes(v)) problems.push(`${where}${name}: "${v}" is not one of ${JSON.stringify(choices)}`);
			}
		}
		if (property.type === 'collection' && value && typeof value === 'object') {
			const entries = property.typeOptions?.multipleValues ? [].concat(value) : [value];
			entries.forEach((entry, i) =>
				problems.push(...valueProblems(entry, property.options, () => true, `${where}${name}${entries.length > 1 ? `[${i}]` : ''}.`)),
			);
		}
		if (property.type === 'fixedCollection' && value && typeof value === 'object') {
			for (const [group, groupValue] of Object.entries(value)) {
				const option = property.options.find((o) => o.name === group);
				if (!option) {
					problems.push(`${where}${name}.${group}: not an option of ${name}`);
					continue;
				}
				[].concat(groupValue).forEach((entry, i) =>
					problems.push(...valueProblems(entry, option.values, () => true, `${where}${name}.${group}[${i}].`)),
				);
			}
		}
	}
	return problems;
}

/**
 * The credential type picked in the node's own parameters, as the editor reads it for nodes such as
 * the HTTP Request node: Authentication "Predefined Credential Type" with its Credential Type, or
 * "Generic Credential Type" with its Generic Auth Type. Such a node declares no credential itself.
 */
function chosenCredential(parameters) {
	const picked =
		parameters.authentication === 'predefinedCredentialType'
			? parameters.nodeCredentialType
			: parameters.authentication === 'genericCredentialType'
				? parameters.genericAuthType
				: undefined;
	return typeof picked === 'string' && picked && !isExpression(picked) ? [{ name: picked, required: true }] : [];
}

/**
 * Everything the editor (and import) would hold against `node`: `problems` (strings; each one a
 * defect of the example) and `missingCredentials` (credential types the node needs and has none
 * bound: expected in an example, the user picks their own).
 */
function nodeIssues(workflowLibrary, nodeTypes, node) {
	const { NodeHelpers } = workflowLibrary;
	const type = describe(nodeTypes, node.type, node.typeVersion);
	if (!type) return { problems: [`${node.type} v${node.typeVersion} is not a node type of this n8n`], missingCredentials: [] };

	const parameters = NodeHelpers.getNodeParameters(type.properties, node.parameters, true, false, node, type) ?? {};
	const problems = [];
	const issues = NodeHelpers.getNodeParametersIssues(type.properties, { ...node, parameters }, type);
	for (const [name, messages] of Object.entries(issues?.parameters ?? {})) {
		problems.push(...[].concat(messages).map((m) => `${name}: ${m}`));
	}
	const shown = (p) => NodeHelpers.displayParameter(parameters, p, node, type);
	problems.push(...valueProblems(node.parameters, type.properties, shown, ''));

	const missingCredentials = [];
	const needed = [
		...(type.credentials ?? []).filter((c) => NodeHelpers.displayParameter(parameters, c, node, type)),
		...chosenCredential(parameters),
	];
	for (const credential of needed) {
		if (credential.required && !node.credentials?.[credential.name]) missingCredentials.push(credential.name);
	}
	for (const bound of Object.keys(node.credentials ?? {})) {
		if (!needed.some((c) => c.name === bound)) problems.push(`credential ${bound}: not a credential this node takes here`);
	}
	return { problems, missingCredentials };
}

module.exports = { lineWorkflowLibrary, nodeIssues, describe };
