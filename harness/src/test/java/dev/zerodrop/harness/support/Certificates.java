package dev.zerodrop.harness.support;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Certificates made at test time, never stored in the repository: a CA, a server certificate for
 * 127.0.0.1 and localhost signed by it, a client certificate signed by it, and a second CA nobody
 * trusts. Written as PEM (keys as PKCS#8) into a folder of the test's.
 */
public final class Certificates {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    public final Path caCert;
    public final Path serverCert;
    public final Path serverKey;
    public final Path clientCert;
    public final Path clientKey;
    public final Path rogueCaCert;

    public Certificates(Path dir) {
        try {
            KeyPair ca = keys();
            X509CertificateHolder caHolder = sign(new X500Name("CN=zerodrop test CA"), ca, new X500Name("CN=zerodrop test CA"), ca, true,
                    null, null);
            KeyPair server = keys();
            X509CertificateHolder serverHolder = sign(new X500Name("CN=localhost"), server, caHolder.getSubject(), ca, false,
                    new GeneralNames(new GeneralName[] {new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                            new GeneralName(GeneralName.dNSName, "localhost")}), KeyPurposeId.id_kp_serverAuth);
            KeyPair client = keys();
            X509CertificateHolder clientHolder = sign(new X500Name("CN=zerodrop test client"), client, caHolder.getSubject(), ca,
                    false, null, KeyPurposeId.id_kp_clientAuth);
            KeyPair rogue = keys();
            X509CertificateHolder rogueHolder = sign(new X500Name("CN=rogue CA"), rogue, new X500Name("CN=rogue CA"), rogue,
                    true, null, null);
            Files.createDirectories(dir);
            caCert = write(dir.resolve("ca.pem"), caHolder);
            serverCert = write(dir.resolve("server.pem"), serverHolder);
            serverKey = writeKey(dir.resolve("server.key"), server);
            clientCert = write(dir.resolve("client.pem"), clientHolder);
            clientKey = writeKey(dir.resolve("client.key"), client);
            rogueCaCert = write(dir.resolve("rogue-ca.pem"), rogueHolder);
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static KeyPair keys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        return generator.generateKeyPair();
    }

    private static X509CertificateHolder sign(X500Name subject, KeyPair subjectKeys, X500Name issuer, KeyPair issuerKeys,
                                              boolean ca, GeneralNames names, KeyPurposeId purpose)
            throws IOException, org.bouncycastle.operator.OperatorCreationException {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(1, ChronoUnit.HOURS)), Date.from(now.plus(1, ChronoUnit.DAYS)), subject, subjectKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (names != null) {
            builder.addExtension(Extension.subjectAlternativeName, false, names);
        }
        if (purpose != null) {
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        }
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate());
        return builder.build(signer);
    }

    private static Path write(Path file, X509CertificateHolder cert) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
            pem.writeObject(cert);
        }
        return Files.writeString(file, text.toString());
    }

    private static Path writeKey(Path file, KeyPair keys) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
            pem.writeObject(new JcaPKCS8Generator(keys.getPrivate(), null));
        }
        return Files.writeString(file, text.toString());
    }
}
