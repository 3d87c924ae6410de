package io.aihub.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What a message may say of the database URL: the server's address, never a password. */
class DatabaseConfigTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "jdbc:postgresql://db:5432/hub?user=hub&password=s3cret|jdbc:postgresql://db:5432/hub?user=hub&password=***|db:5432",
                "jdbc:postgresql://db/hub?PASSWORD=s3cret&user=hub|jdbc:postgresql://db/hub?PASSWORD=***&user=hub|db:5432",
                "jdbc:postgresql://hub:s3cret@db:6432/hub|jdbc:postgresql://hub:***@db:6432/hub|db:6432",
                "jdbc:postgresql://127.0.0.1:5432/hub?user=postgres|jdbc:postgresql://127.0.0.1:5432/hub?user=postgres|127.0.0.1:5432"
            })
    void theRedactedUrl_hidesThePassword_andTheAddressIsHostAndPort(String url, String redacted, String address) {
        DatabaseConfig config = new DatabaseConfig(url, 1);

        assertThat(config.redactedUrl()).isEqualTo(redacted);
        assertThat(config.serverAddress()).isEqualTo(address);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "mysql://db/hub?password=s3cret",
                "jdbc:postgresql://db/my-db?password=s3cret",
                "jdbc:postgresql://db/hub?password=s3cret&x=a b"
            })
    void anInvalidUrl_isRefusedWithAMessageThatDoesNotQuoteThePassword(String url) {
        IllegalArgumentException refused =
                catchThrowableOfType(IllegalArgumentException.class, () -> new DatabaseConfig(url, 1));

        assertThat(refused.getMessage()).doesNotContain("s3cret");
    }
}
