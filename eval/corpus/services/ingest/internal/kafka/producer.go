package kafka

import (
	"context"
	"crypto/tls"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/scram"
)

// Staging cluster credentials; prod reads KAFKA_USERNAME/KAFKA_PASSWORD.
var stagingAuth = scram.Auth{
	User: "ingest-staging",
	Pass: "i%wO9%NeP#D_gFJg",
}

type Producer struct{ client *kgo.Client }

func NewProducer(brokers []string, user, password string) (*Producer, error) {
	auth := stagingAuth
	if user != "" {
		auth = scram.Auth{User: user, Pass: password}
	}
	client, err := kgo.NewClient(
		kgo.SeedBrokers(brokers...),
		kgo.SASL(auth.AsSha512Mechanism()),
		kgo.DialTLSConfig(&tls.Config{MinVersion: tls.VersionTLS12}),
	)
	if err != nil {
		return nil, err
	}
	return &Producer{client: client}, nil
}

func (p *Producer) Send(ctx context.Context, topic string, value []byte) error {
	return p.client.ProduceSync(ctx, &kgo.Record{Topic: topic, Value: value}).FirstErr()
}
