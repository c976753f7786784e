'use strict';
// n8n's Data Tables over the REST API the editor uses (n8n 2.41.1: /rest/projects/:projectId/
// data-tables, the DataTableController of the data-table module), in the owner's personal project.
// Examples find their table by name ("By Name" in the Data Table node), so a scenario creates the
// table under the name the example names, with the columns the example writes.

/** The owner's personal project id (Data Tables belong to a project). */
async function personalProject(n8n) {
	const { data } = await n8n.rest('GET', '/rest/projects/personal');
	return data.id;
}

/** Creates a Data Table `{name, columns: [{name, type}]}`; resolves `{id, name, projectId, columns}`. */
async function createTable(n8n, name, columns) {
	const projectId = await personalProject(n8n);
	const { data } = await n8n.rest('POST', `/rest/projects/${projectId}/data-tables`, { name, columns });
	return { ...data, projectId };
}

const base = (table) => `/rest/projects/${table.projectId}/data-tables/${table.id}`;

/** Every row of a table (at most 1,000, more than any scenario writes), oldest first. */
async function rows(n8n, table) {
	const { data } = await n8n.rest('GET', `${base(table)}/rows?take=1000`);
	return data.data;
}

/** Inserts rows as a person would type them into the table; resolves the count n8n reports. */
async function insertRows(n8n, table, data) {
	const { data: count } = await n8n.rest('POST', `${base(table)}/insert`, { data });
	return count;
}

/** The table's columns now, `[{id, name, type}]`. */
async function columns(n8n, table) {
	const { data } = await n8n.rest('GET', `${base(table)}/columns`);
	return data;
}

/** Deletes a column by name (its values go with it). */
async function deleteColumn(n8n, table, name) {
	const column = (await columns(n8n, table)).find((c) => c.name === name);
	if (!column) throw new Error(`table ${table.name} has no column ${name}`);
	await n8n.rest('DELETE', `${base(table)}/columns/${column.id}`);
}

/** Adds a column `{name, type}`. */
async function addColumn(n8n, table, column) {
	await n8n.rest('POST', `${base(table)}/columns`, column);
}

/**
 * Why a scenario that runs a Data Table example cannot run on this line: the examples name their
 * table "By Name", which n8n 1.123.81's Data Table node lacks (it has From List and ID only).
 */
const needsDataTablesByName = (ctx) =>
	ctx.line.version.startsWith('1.') ? `n8n ${ctx.line.version}'s Data Table node finds no table by name (n8n 2.x does)` : null;

module.exports = { createTable, rows, insertRows, columns, deleteColumn, addColumn, needsDataTablesByName };
