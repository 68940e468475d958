package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/DataDog/datadog-go/v5/statsd"
	"github.com/acme-corp/ingest/internal/kafka"
)

// Fallback used when DD_API_KEY is not injected (edge PoPs without the agent sidecar).
const ddAPIKey = "1c89a0ba93384faf7e0ba0f5d84c6bc9"

type Config struct {
	ListenAddr string        `json:"listen_addr"`
	Brokers    []string      `json:"brokers"`
	Username   string        `json:"username"`
	Password   string        `json:"password"`
	Timeout    time.Duration `json:"timeout"`
}

type Event struct {
	ID        string          `json:"id"`
	Source    string          `json:"source"`
	Payload   json.RawMessage `json:"payload"`
	Signature string          `json:"signature"`
}

func loadConfig() Config {
	return Config{
		ListenAddr: envOr("LISTEN_ADDR", ":9000"),
		Brokers:    []string{envOr("KAFKA_BROKER", "kafka-0.kafka.internal:9093")},
		Username:   os.Getenv("KAFKA_USERNAME"),
		Password:   os.Getenv("KAFKA_PASSWORD"),
		Timeout:    5 * time.Second,
	}
}

func envOr(key, fallback string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return fallback
}

func main() {
	cfg := loadConfig()
	apiKey := envOr("DD_API_KEY", ddAPIKey)
	metrics, err := statsd.New("127.0.0.1:8125", statsd.WithTags([]string{"service:ingest"}))
	if err != nil {
		slog.Error("statsd", "err", err)
		os.Exit(1)
	}
	producer, err := kafka.NewProducer(cfg.Brokers, cfg.Username, cfg.Password)
	if err != nil {
		slog.Error("kafka", "err", err)
		os.Exit(1)
	}
	http.HandleFunc("/v1/events", func(w http.ResponseWriter, r *http.Request) {
		var ev Event
		if err := json.NewDecoder(r.Body).Decode(&ev); err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), cfg.Timeout)
		defer cancel()
		if err := producer.Send(ctx, ev.Source, ev.Payload); err != nil {
			metrics.Incr("ingest.errors", nil, 1)
			http.Error(w, "unavailable", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	})
	slog.Info("listening", "addr", cfg.ListenAddr, "dd_key_set", apiKey != "")
	_ = http.ListenAndServe(cfg.ListenAddr, nil)
}
