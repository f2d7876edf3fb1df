package main

// Pushdown indexes for the PostgreSQL backend.
//
// FerretDB 1.24 hands a query's top-level equalities to PostgreSQL as `_jsonb->'field' @> 'value'` (dotted paths as
// `_jsonb #> '{a,b}' @> ...`), but the indexes it creates for createIndexes are btree indexes on `_jsonb->'field'`,
// which cannot serve `@>`: every such query reads the whole table, even a lookup by _id. The keeper adds, beside
// FerretDB's own, a GIN index (jsonb_path_ops) on the same expression for _id and every field named by an index of
// the collection, so those equalities become index scans. FerretDB never sees these indexes (its metadata lists its
// own only); they go with the table when a collection is dropped.

import (
	"context"
	"fmt"
	"hash/fnv"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

const pushdownIndexInterval = 2 * time.Second

// pushdownIndex is one GIN index the keeper wants: on table schema.table for field (a dotted path or a plain name).
type pushdownIndex struct {
	schema, table, field string
}

// name is stable and short enough for PostgreSQL's 63-byte identifiers.
func (p pushdownIndex) name() string {
	h := fnv.New32a()
	_, _ = h.Write([]byte(p.field))

	table := p.table
	if len(table) > 45 {
		table = table[:45]
	}

	return fmt.Sprintf("%s_vgin_%08x", table, h.Sum32())
}

// expression is the one FerretDB's pushdown uses for the field (query.go, prepareWhereClause).
func (p pushdownIndex) expression() string {
	quote := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	if strings.Contains(p.field, ".") {
		return fmt.Sprintf("(_jsonb #> %s::text[])", quote("{"+strings.ReplaceAll(p.field, ".", ",")+"}"))
	}

	return fmt.Sprintf("(_jsonb -> %s::text)", quote(p.field))
}

func (p pushdownIndex) createSQL() string {
	return fmt.Sprintf(`CREATE INDEX CONCURRENTLY IF NOT EXISTS %s ON %s USING gin (%s jsonb_path_ops)`,
		pgx.Identifier{p.name()}.Sanitize(), pgx.Identifier{p.schema, p.table}.Sanitize(), p.expression())
}

// wantedPushdownIndexes reads FerretDB's metadata tables: every collection's table, with _id and the fields of its
// indexes (FerretDB keeps the documents' type schema under the top-level $s only).
func wantedPushdownIndexes(ctx context.Context, conn *pgx.Conn) ([]pushdownIndex, error) {
	rows, err := conn.Query(ctx, `SELECT table_schema FROM information_schema.tables WHERE table_name = '_ferretdb_database_metadata'`)
	if err != nil {
		return nil, err
	}

	schemas, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}

	var wanted []pushdownIndex

	for _, schema := range schemas {
		q := fmt.Sprintf(`SELECT m._jsonb->>'table', f.field
			FROM %[1]s m, LATERAL (
				SELECT '_id' AS field
				UNION
				SELECT jsonb_object_keys(i->'key') FROM jsonb_array_elements(m._jsonb->'indexes') i
			) f
			WHERE m._jsonb->>'table' IS NOT NULL`, pgx.Identifier{schema, "_ferretdb_database_metadata"}.Sanitize())

		rows, err := conn.Query(ctx, q)
		if err != nil {
			return nil, err
		}

		found, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (pushdownIndex, error) {
			p := pushdownIndex{schema: schema}
			err := row.Scan(&p.table, &p.field)

			return p, err
		})
		if err != nil {
			return nil, err
		}

		wanted = append(wanted, found...)
	}

	return wanted, nil
}

// syncPushdownIndexes creates the GIN indexes that are missing and analyzes the tables that got one (a new
// expression index has no statistics until then, and the planner would guess).
func syncPushdownIndexes(ctx context.Context, conn *pgx.Conn, logger *slog.Logger) error {
	wanted, err := wantedPushdownIndexes(ctx, conn)
	if err != nil {
		return err
	}

	// Ours, by name, and whether each is valid: a build that failed half-way leaves an invalid index behind,
	// which IF NOT EXISTS would keep for ever.
	rows, err := conn.Query(ctx, `SELECT n.nspname || '.' || c.relname, i.indisvalid
		FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relname LIKE '%\_vgin\_%'`)
	if err != nil {
		return err
	}

	valid := map[string]bool{}

	for rows.Next() {
		var name string
		var ok bool
		if err := rows.Scan(&name, &ok); err != nil {
			rows.Close()
			return err
		}

		valid[name] = ok
	}

	if err := rows.Err(); err != nil {
		return err
	}

	analyzed := map[string]bool{}

	for _, p := range wanted {
		ok, exists := valid[p.schema+"."+p.name()]
		if ok {
			continue
		}

		if exists {
			drop := "DROP INDEX CONCURRENTLY IF EXISTS " + pgx.Identifier{p.schema, p.name()}.Sanitize()
			if _, err := conn.Exec(ctx, drop); err != nil {
				logger.Warn("cannot drop invalid pushdown index", slog.String("index", p.name()), slog.String("error", err.Error()))
				continue
			}
		}

		start := time.Now()
		if _, err := conn.Exec(ctx, p.createSQL()); err != nil {
			// The collection may have been dropped meanwhile: the next pass sees the metadata as it is then.
			logger.Warn("cannot create pushdown index", slog.String("table", p.schema+"."+p.table), slog.String("field", p.field), slog.String("error", err.Error()))
			continue
		}

		logger.Info("created pushdown index", slog.String("table", p.schema+"."+p.table), slog.String("field", p.field), slog.Duration("took", time.Since(start)))

		table := pgx.Identifier{p.schema, p.table}.Sanitize()
		if !analyzed[table] {
			analyzed[table] = true
			if _, err := conn.Exec(ctx, "ANALYZE "+table); err != nil {
				logger.Warn("cannot analyze", slog.String("table", table), slog.String("error", err.Error()))
			}
		}
	}

	return nil
}

// connectPostgreSQL parses the URL as FerretDB does (it accepts pool_* parameters a plain connection refuses).
//
// lock_timeout: a concurrent index build waits for the transactions that started before it, and a FerretDB
// transaction dropping the table (a dropped collection or database) waits for the build: a deadlock, which
// PostgreSQL would settle after deadlock_timeout (1 s) by cancelling either side. Giving up sooner makes the loser
// always ours; the build is tried again on a later pass (its invalid leftover dropped first).
func connectPostgreSQL(ctx context.Context, pgURL string) (*pgx.Conn, error) {
	cfg, err := pgxpool.ParseConfig(pgURL)
	if err != nil {
		return nil, err
	}

	cfg.ConnConfig.RuntimeParams["lock_timeout"] = "300ms"

	return pgx.ConnectConfig(ctx, cfg.ConnConfig)
}

// keepPushdownIndexes runs syncPushdownIndexes until ctx ends, on its own connection (CREATE INDEX CONCURRENTLY
// cannot run in a transaction, and a long build must not hold one of FerretDB's pool connections).
func keepPushdownIndexes(ctx context.Context, pgURL string, logger *slog.Logger) {
	var conn *pgx.Conn

	defer func() {
		if conn != nil {
			_ = conn.Close(context.Background())
		}
	}()

	ticker := time.NewTicker(pushdownIndexInterval)
	defer ticker.Stop()

	for {
		if conn == nil || conn.IsClosed() {
			var err error
			if conn, err = connectPostgreSQL(ctx, pgURL); err != nil {
				conn = nil
				logger.Warn("pushdown indexes: cannot connect to PostgreSQL", slog.String("error", err.Error()))
			}
		}

		if conn != nil {
			if err := syncPushdownIndexes(ctx, conn, logger); err != nil && ctx.Err() == nil {
				logger.Warn("pushdown indexes: pass failed", slog.String("error", err.Error()))
				_ = conn.Close(context.Background())
				conn = nil
			}
		}

		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}
