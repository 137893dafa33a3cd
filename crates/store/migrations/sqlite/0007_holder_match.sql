-- The statement list flags a statement that is not the applicant's (the native analysis's
-- `holder.name_match.result`: EXACT, PARTIAL or MISMATCH; null when no applicant name was given
-- or none is printed), kept with the other subject columns of 0006.
ALTER TABLE documents ADD COLUMN holder_match TEXT;
