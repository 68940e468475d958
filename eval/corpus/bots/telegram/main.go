package main

import (
	"fmt"
	"log"
	"net/http"
	"net/url"
	"os"
)

const apiBase = "https://api.telegram.org/bot"

var botToken = "7434096093:AADdqQUsDbAa0rhURO6m3pi8y3yLwIBrBkC"

func send(chatID, text string) error {
	token := botToken
	if t := os.Getenv("TELEGRAM_BOT_TOKEN"); t != "" {
		token = t
	}
	resp, err := http.PostForm(fmt.Sprintf("%s%s/sendMessage", apiBase, token), url.Values{
		"chat_id": {chatID},
		"text":    {text},
	})
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("telegram: %s", resp.Status)
	}
	return nil
}

func main() {
	if err := send(os.Getenv("TELEGRAM_CHAT_ID"), "deploy finished"); err != nil {
		log.Fatal(err)
	}
}
