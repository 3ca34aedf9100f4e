-- no-transaction
-- Advisors search transcripts in French (stemmed: « vidanges » finds « vidange »). Built
-- without blocking the chat's inserts (hence outside a transaction).
create index concurrently if not exists messages_french_text_idx
    on messages using gin (to_tsvector('french', body));
