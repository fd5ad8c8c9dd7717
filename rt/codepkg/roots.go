package codepkg

import (
	"crypto/x509"
	"os"

	"golang.org/x/crypto/x509roots/fallback/bundle"
)

// systemRootFiles are where crypto/x509 looks for CA roots on Linux
// (root_linux.go), besides $SSL_CERT_FILE and $SSL_CERT_DIR.
var systemRootFiles = []string{
	"/etc/ssl/certs/ca-certificates.crt",
	"/etc/pki/tls/certs/ca-bundle.crt",
	"/etc/ssl/ca-bundle.pem",
	"/etc/pki/tls/cacert.pem",
	"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
	"/etc/ssl/cert.pem",
	"/etc/ssl/certs",
	"/etc/pki/tls/certs",
}

// UseBundledRoots makes TLS verification fall back to the CA roots compiled
// into the binary (golang.org/x/crypto/x509roots) when the system has none:
// a task on an empty image has no /etc/ssl and must still reach S3. With
// system roots it does nothing. Call it at most once, before the first TLS
// connection. It is not done at package initialization (importing
// x509roots/fallback would parse 150 certificates at every start of every
// task, with or without system roots).
func UseBundledRoots() {
	if hasSystemRoots() {
		return
	}
	x509.SetFallbackRoots(bundledRoots())
}

func hasSystemRoots() bool {
	if os.Getenv("SSL_CERT_FILE") != "" || os.Getenv("SSL_CERT_DIR") != "" {
		return true // what they name is crypto/x509's business
	}
	for _, f := range systemRootFiles {
		if _, err := os.Stat(f); err == nil {
			return true
		}
	}
	return false
}

func bundledRoots() *x509.CertPool {
	p := x509.NewCertPool()
	for c := range bundle.Roots() {
		cert, err := x509.ParseCertificate(c.Certificate)
		if err != nil {
			continue // cannot happen: the bundle is checked when it is generated
		}
		if c.Constraint == nil {
			p.AddCert(cert)
		} else {
			p.AddCertWithConstraint(cert, c.Constraint)
		}
	}
	return p
}
