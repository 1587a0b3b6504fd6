#!/usr/bin/env bash
# Development key material under run/pki (never committed): a CA, the gateway's TLS certificate, the Ed25519
# key pair that signs build proxy credentials (connector-policy signs, gateways verify), and one identity per
# service, gateway and runner (pki_identity): the certificate that authenticates it on every gRPC call.
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

# The truststore.p12 password: not a secret (the store holds only the CA's certificate); services read it from
# secureconnect.identity.truststore-password, whose default this is.
PKI_TRUSTSTORE_PASSWORD=secureconnect

# pki_identity PKI_DIR KIND NAME: a directory PKI_DIR/identity/<kind>-<name> laid out like a Kubernetes TLS secret
# (tls.crt, tls.key, ca.crt, truststore.p12) whose certificate names spiffe://secureconnect/<kind>/<name>
# (io.secureconnect.common.identity.Peer) and, for serving, localhost, 127.0.0.1 and <name> (compose host names).
# KIND: service, gateway or runner. Prints the directory. SC_PKI_EXTRA_SAN adds names, as for the gateway.
pki_identity() {
  local dir=$1 kind=$2 name=$3 out
  out=$dir/identity/$kind-$name
  if [ ! -f "$out/truststore.p12" ]; then
    mkdir -p "$out"
    chmod 700 "$out"
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$kind-$name" \
      -keyout "$out/key.pem" -out "$out/req.csr" 2>/dev/null
    printf 'subjectAltName=URI:spiffe://secureconnect/%s/%s,DNS:localhost,DNS:%s,IP:127.0.0.1%s\n%s\n' \
      "$kind" "$name" "$name" "${SC_PKI_EXTRA_SAN:+,$SC_PKI_EXTRA_SAN}" \
      'extendedKeyUsage=serverAuth,clientAuth' > "$out/req.ext"
    openssl x509 -req -in "$out/req.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca-key.pem" -CAcreateserial \
      -days 30 -extfile "$out/req.ext" -out "$out/tls.crt" 2>/dev/null
    openssl pkcs8 -topk8 -nocrypt -in "$out/key.pem" -out "$out/tls.key"
    cp "$dir/ca.pem" "$out/ca.crt"
    keytool -importcert -noprompt -alias secureconnect-ca -file "$dir/ca.pem" -storetype PKCS12 \
      -keystore "$out/truststore.p12" -storepass "$PKI_TRUSTSTORE_PASSWORD" >/dev/null 2>&1
    rm -f "$out/key.pem" "$out/req.csr" "$out/req.ext"
  fi
  echo "$out"
}
