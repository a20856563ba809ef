package auth

import (
	"strings"
)

// commonPasswords are passwords that attackers try first (the most common
// entries of public breach lists, plus Dutch and local favourites). Only
// those of at least MinPasswordLength characters matter; shorter ones are
// refused for their length.
var commonPasswords = func() map[string]bool {
	m := map[string]bool{}
	for _, p := range strings.Fields(`
12345678 123456789 1234567890 12345678910 0123456789 87654321 11111111 00000000 88888888
99999999 22222222 12341234 11223344 12121212 123123123 123456123 147258369 987654321 741852963
password password1 password12 password123 password! passw0rd p@ssw0rd p@ssword Password1
Password123 password2024 password2025 password2026 qwertyuiop qwerty123 qwerty12 qwertyui
azertyuiop azerty123 azerty12 asdfghjkl asdfasdf zxcvbnm1 1q2w3e4r 1q2w3e4r5t 1qaz2wsx
qazwsxedc iloveyou iloveyou1 sunshine princess football baseball superman batman123 starwars
whatever trustno1 letmein1 letmein123 welcome1 welcome123 welkom01 welkom123 welkom2024
welkom2025 welkom2026 wachtwoord wachtwoord1 wachtwoord123 wachtwoord! geheim123 geheim01
paswoord paswoord1 paswoord123 wachtwoord01 azerty1234 monkey123 dragon123 master123
michael1 jennifer1 computer internet abcdefgh abcd1234 abc12345 abcdef12 aaaaaaaa
changeme changeme1 changeme123 default1 administrator admin123 admin1234 adminadmin
rootroot test1234 testtest test12345 secret123 football1 sunshine1 shadow123 charlie1
loveyou1 chocolate mustang1 access14 flower123 hello123 hellohello lovelove
nabij123 nabij2024 nabij2025 nabij2026 ocmw1234 ocmw2024 ocmw2025 ocmw2026 leerplatform
belgie123 belgium1 vlaanderen brussel1 antwerpen gent1234 leuven123 brugge123
zomer2024 zomer2025 winter2024 winter2025 lente2025 herfst2025 januari2025 september
`) {
		m[strings.ToLower(p)] = true
	}
	return m
}()

func isCommon(p string) bool {
	return commonPasswords[strings.ToLower(p)]
}
