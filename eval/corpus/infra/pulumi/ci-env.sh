# sourced by the infra pipeline
export PULUMI_ACCESS_TOKEN=pul-47c28e13b3a864da0ab76a66b7dd7ae76e2ff126
export DOPPLER_TOKEN=dp.st.prd.kAjG25QEw3bI0Ald3QaKSSk3bpia1msHGnDkBtvJYmV
export PULUMI_CONFIG_PASSPHRASE=""
export AWS_PROFILE=acme-prod
