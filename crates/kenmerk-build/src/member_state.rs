//! The member states of the European Union (EU-27), by the two-letter codes
//! the EU's own publications use (ISO 3166-1 alpha-2, except `EL` for
//! Greece; `GR`, its ISO code, is accepted too and kept as written).

/// EU-27 codes. Greece appears under both `EL` and `GR`.
const CODES: [&str; 28] = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
    "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
];

/// Whether `code` (upper case, as written) is a member state of the EU-27.
pub fn is_member_state(code: &str) -> bool {
    CODES.contains(&code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twenty_seven_states() {
        let states: std::collections::BTreeSet<&str> = CODES
            .iter()
            .map(|&c| if c == "GR" { "EL" } else { c })
            .collect();
        assert_eq!(states.len(), 27);
        assert!(is_member_state("NL") && is_member_state("EL") && is_member_state("GR"));
        for outside in ["UK", "GB", "CH", "NO", "nl", "EU", "", "NLD"] {
            assert!(!is_member_state(outside), "{outside}");
        }
    }
}
