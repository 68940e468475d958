# This file is maintained automatically by "terraform init".
# Manual edits may be lost in future updates.

provider "registry.terraform.io/cloudflare/cloudflare" {
  version     = "4.20.0"
  constraints = "~> 4.20"
  hashes = [
    "h1:nur/LA6CNdjopXBOVqQQkaCYmLN1yfzkESEUMoXLEtQ=",
    "zh:9507ebd401b24ca5e4441049e9335c438e7f68fbb07f52e55d23e28d9d2834f6",
    "zh:97ab1033c5991fbc534ffbb97a75f5f6f9bfd38e2f1451deb648324b0ad52e21",
    "zh:16eda51bc81eeab1a33aa8e1db222ce253a0b4dad0e19e137d18f9fc346433a9",
  ]
}

provider "registry.terraform.io/hashicorp/aws" {
  version     = "5.31.0"
  constraints = "~> 5.31"
  hashes = [
    "h1:BsST2/owlH0rY63HA/j1Iet77+RBbUq9steppKSgSeA=",
    "zh:7de5955baa7dbeb64b230c26b520c43fc3db4af51ff6eed15cb0f4c33d90b3c7",
    "zh:cb1bc10eacf3d7afef18df628c04cc84cb8e25f7609eab79897e7938117fd9e3",
  ]
}
