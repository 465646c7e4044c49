package internal

import (
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "golang.org/x/mod/sumdb/tlog"
	_ "golang.org/x/sync/errgroup"
	_ "modernc.org/sqlite"
)
