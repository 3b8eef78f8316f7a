/**
 * A self-signed certificate for hooks.switchboard.invalid (valid for a hundred years) and its key, for tests
 * of TLS connections only: nothing trusts it, which is what those tests rely on.
 */
export const SELF_SIGNED_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgm8AVATol1+O6Gl2J
nj/kRqprYrgno2esAY6Xyu9jafehRANCAARZJoxoALsZgBJYVkKwRJvIPwPDMoeT
QQHWk6hmPnTbypp31y/TaCQewiWmecKK05tMADhIHXTbQLcyCP6TKOUv
-----END PRIVATE KEY-----`;

export const SELF_SIGNED_CERT = `-----BEGIN CERTIFICATE-----
MIIBxDCCAWugAwIBAgIUAXG238E20AwVaxIHUWnl50+AmpowCgYIKoZIzj0EAwIw
JDEiMCAGA1UEAwwZaG9va3Muc3dpdGNoYm9hcmQuaW52YWxpZDAgFw0yNjExMjYw
MDU4MTlaGA8yMTI2MTEwMjAwNTgxOVowJDEiMCAGA1UEAwwZaG9va3Muc3dpdGNo
Ym9hcmQuaW52YWxpZDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABFkmjGgAuxmA
ElhWQrBEm8g/A8Myh5NBAdaTqGY+dNvKmnfXL9NoJB7CJaZ5worTm0wAOEgddNtA
tzII/pMo5S+jeTB3MB0GA1UdDgQWBBR43wrjVkFRWFv0hRtvRYbk9Qtc4TAfBgNV
HSMEGDAWgBR43wrjVkFRWFv0hRtvRYbk9Qtc4TAPBgNVHRMBAf8EBTADAQH/MCQG
A1UdEQQdMBuCGWhvb2tzLnN3aXRjaGJvYXJkLmludmFsaWQwCgYIKoZIzj0EAwID
RwAwRAIgD3BEFwPYKLOzelCAopT+BAVyDCqELrugY0BADJA9Z/kCIEEPmyx4Ew+J
ja3LwphdzHHHLNvc++yFbgFV+mioMzL6
-----END CERTIFICATE-----`;
