-- A job claim also records when its executor's process started, so a process id the OS has
-- since given to an unrelated program does not keep a dead executor's claim alive.
ALTER TABLE jobs ADD COLUMN claimed_pid_started INTEGER;
