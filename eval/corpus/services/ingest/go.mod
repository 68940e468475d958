module github.com/acme-corp/ingest

go 1.21

require (
	github.com/DataDog/datadog-go/v5 v5.4.0
	github.com/twmb/franz-go v1.15.3
	github.com/twmb/franz-go/pkg/kmsg v1.7.0 // indirect
)

require (
	github.com/Microsoft/go-winio v0.5.0 // indirect
	github.com/klauspost/compress v1.17.4 // indirect
	github.com/pierrec/lz4/v4 v4.1.19 // indirect
	golang.org/x/sys v0.15.0 // indirect
)
