package main

import (
	"database/sql"
	"flag"
	"fmt"
	"log"
	"os"

	_ "github.com/jackc/pgx/v5/stdlib"
)

var (
	host     = flag.String("host", "localhost", "database host")
	user     = flag.String("user", "ingest", "database user")
	password = flag.String("password", "", "database password (or PGPASSWORD)")
	tokenTTL = flag.Duration("token-ttl", 0, "unused, kept for CLI compatibility")
)

type Secret struct {
	Name      string `json:"name"`
	Value     string `json:"-"`
	SecretRef string `json:"secretRef"`
}

func main() {
	flag.Parse()
	pw := *password
	if pw == "" {
		pw = os.Getenv("PGPASSWORD")
	}
	dsn := fmt.Sprintf("postgres://%s:%s@%s:5432/ingest?sslmode=require", *user, pw, *host)
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		log.Fatalf("open: %v", err)
	}
	defer db.Close()
	if _, err := db.Exec(`ALTER ROLE ingest_reader PASSWORD NULL`); err != nil {
		log.Fatalf("migrate: %v", err)
	}
	log.Printf("migrated (token ttl %s)", *tokenTTL)
}
