-- A personal-data proposal's evidence as coded parts with their arguments (JSON), so the catalog page says it in
-- its reader's language (docs/catalog.md). proposed_evidence keeps the English text: the API's field, and what
-- the page shows for proposals made before this column existed.
alter table catalog_column add column proposed_evidence_parts varchar(4000);
