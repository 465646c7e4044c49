package main

import (
	"context"
	"log/slog"
	"time"

	"accord/internal/ledger"
	"accord/internal/ops"
	"accord/internal/store"
	"accord/internal/web"
)

// oversightWeb returns the web configuration of the oversight view of `accord serve`: the
// server verifies its own ledger with the node's public key, the configured witness keys and
// every record source, as `accord ledger verify` does. It registers the record sources of
// the ledger's generic records and of the operations workflow (the alert source is registered
// by the live detector). A witness key that does not parse is logged and left out. Beside the
// ledger's counts, the view counts the approved liaison meetings whose written report is
// overdue (counts.other.liaison_reports_overdue, all states: oversight sees every meeting).
func oversightWeb(ctx context.Context, cfg Config, st *store.Store, log *slog.Logger) web.OversightConfig {
	if err := registerRecordSources(ctx, st); err != nil {
		log.Error("oversight: record sources not registered; records will show as unchecked", "err", err)
	}
	key, err := store.LoadKey(storeConfig(cfg))
	if err != nil {
		log.Error("oversight view disabled: the log's key cannot be read", "err", err)
		return web.OversightConfig{}
	}
	witnesses, err := witnessVerifiers(cfg.Ledger.WitnessKeys)
	if err != nil {
		log.Error("oversight: witness keys left out", "err", err)
		witnesses = nil
	}
	return web.OversightConfig{
		Log: st.LedgerReader(),
		Options: func() ledger.VerifyOptions {
			return ledger.VerifyOptions{Log: key.Verifier, Witnesses: witnesses, Sources: st.RecordSources()}
		},
		Counts: func(ctx context.Context) (map[string]int64, error) {
			now := time.Now().UTC()
			fs, err := st.LiaisonFollowUps(ctx, nil, now, 100000)
			if err != nil {
				return nil, err
			}
			var overdue int64
			for _, f := range fs {
				if f.Status(now) == ops.LiaisonOverdue {
					overdue++
				}
			}
			return map[string]int64{"liaison_reports_overdue": overdue}, nil
		},
	}
}
