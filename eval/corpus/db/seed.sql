-- Seed data for local development and review apps.
INSERT INTO organizations (id, name, plan) VALUES
  ('911f2c8e-03eb-41f0-b045-cf930b90dc0d', 'Acme Demo', 'enterprise'),
  ('62db284b-1258-4fad-ac1f-fcc7350ccfdd', 'Globex Trial', 'trial');

INSERT INTO users (email, password_hash, role) VALUES
  ('demo@acme-corp.io', '$2b$12$lD4tJvra/lnDwp6SErr4XZ3SGTs6alu7HEB18d06RwyS.XqtW1BMO', 'owner'),
  ('viewer@acme-corp.io', '$2b$12$XKBOSwMMLEGYuCbtkZGgb8bZaTmHae6FmB/eIMOczEExhRUlFHI11', 'viewer');

-- Review apps post to the shared #review-apps channel.
INSERT INTO settings (key, value) VALUES
  ('slack.bot_token', 'xoxb-265543475060-1403570628155-ESdgECCS1JCM34UNb42dCZ25'),
  ('slack.channel', '#review-apps'),
  ('password.min_length', '12'),
  ('session.secret', 'R_m3kryXMNz4Pxzv9Ez24LDsddfbURYFxAIH8zde8UZhnWZL'),
  ('maps.api_key', ''),
  ('feature.tokenized_checkout', 'true');
