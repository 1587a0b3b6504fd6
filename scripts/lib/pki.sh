#!/usr/bin/env bash
# Development key material under run/pki (never committed): a CA, the gateway's TLS certificate and the Ed25519
# key pair that signs build proxy credentials (connector-policy signs, gateways verify).
set -euo pipefail

pki_ensure() {
  local dir=$1
  mkdir -p "$dir"
  chmod 700 "$dir"
  if [ ! -f "$dir/ca.pem" ]; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
      -subj "/CN=Secure Connect dev CA" -keyout "$dir/ca-key.pem" -out "$dir/ca.pem" 2>/dev/null
  fi
  if [ ! -f "$dir/gateway.pem" ]; then
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
      -keyout "$dir/gateway-key.pem" -out "$dir/gateway.csr" 2>/dev/null
    # SC_PKI_EXTRA_SAN adds names, e.g. "DNS:gateway.example.com,IP:203.0.113.1".
    printf 'subjectAltName=DNS:localhost,DNS:gateway,IP:127.0.0.1%s\nextendedKeyUsage=serverAuth\n' \
      "${SC_PKI_EXTRA_SAN:+,$SC_PKI_EXTRA_SAN}" > "$dir/gateway.ext"
    openssl x509 -req -in "$dir/gateway.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca-key.pem" -CAcreateserial \
      -days 30 -extfile "$dir/gateway.ext" -out "$dir/gateway.pem" 2>/dev/null
    # PKCS#8 for Netty
    openssl pkcs8 -topk8 -nocrypt -in "$dir/gateway-key.pem" -out "$dir/gateway-key.p8.pem"
  fi
  if [ ! -f "$dir/credential-signing.pem" ]; then
    openssl genpkey -algorithm ed25519 -out "$dir/credential-signing.pem"
    openssl pkey -in "$dir/credential-signing.pem" -pubout -out "$dir/credential-verify.pem"
  fi
  if [ ! -f "$dir/pepper" ]; then
    (umask 077; openssl rand -base64 48 | tr -d '\n' > "$dir/pepper")
  fi
}
