-- Names sort as a Flemish reader expects: accents and other scripts'
-- letters next to their base letter (Maëlle before Mathias, Łucja among
-- the L's), case ignored. ICU's rules for nl-BE, via PostgreSQL's ICU
-- provider; queries use it as COLLATE nabij_nl.
CREATE COLLATION IF NOT EXISTS nabij_nl (provider = icu, locale = 'nl-BE');
