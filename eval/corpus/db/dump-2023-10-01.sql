-- MySQL dump 10.13  Distrib 8.0.34, for Linux (x86_64)
--
-- Host: mysql-shop.internal.acme-corp.io    Database: shop
-- ------------------------------------------------------
-- Server version	8.0.34

/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET NAMES utf8mb4 */;

--
-- Table structure for table `users`
--

DROP TABLE IF EXISTS `users`;
CREATE TABLE `users` (
  `id` bigint unsigned NOT NULL AUTO_INCREMENT,
  `email` varchar(255) NOT NULL,
  `password` varchar(255) NOT NULL,
  `remember_token` varchar(100) DEFAULT NULL,
  `api_token` char(64) DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

LOCK TABLES `users` WRITE;
INSERT INTO `users` VALUES (1,'admin@acme-corp.io','$2b$10$6WSy0W7IFb34xE0/xv8tGf/IoChveKZqRfAUUUXnjnE4tvQ.uEoNm','PIApw9BlGoJutk4GiGS90zJKfxJVFkdEk9QLoS7A6M6m5V6ccG28Om3umOZE','95c898886537bc9129b69c7bfac42efe02d1e3206682b37e9e695647192c41c5'),(2,'support@acme-corp.io','$2b$10$erE71wPfC8/Z8CQeS.4hx6Alf5WzUwLGjLnHeqhqJXMxgfRwnq.Gc',NULL,NULL),(3,'li.wei@example.com','$2b$10$gvRBxzvOsGFzhFTcyfkMjJt6ue/3MDxGFL0CmxGXfNJBuzEdoAS/a',NULL,'d1eb65f5c471501f81d5fe90d52485e13aa159725ccf8d570b9668470d592966');
UNLOCK TABLES;

--
-- Table structure for table `integrations`
--

DROP TABLE IF EXISTS `integrations`;
CREATE TABLE `integrations` (
  `id` int NOT NULL AUTO_INCREMENT,
  `provider` varchar(32) NOT NULL,
  `config` json NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

LOCK TABLES `integrations` WRITE;
INSERT INTO `integrations` VALUES (1,'mailchimp','{\"api_key\": \"da482b33beb67d4dd8f925840c5b7b0d-us75\", \"list_id\": \"18e79c0adc\"}');
INSERT INTO `integrations` VALUES (2,'shopify','{\"shop\": \"acme-eu.myshopify.com\", \"access_token\": \"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\"}');
INSERT INTO `integrations` VALUES (3,'slack','{\"webhook_url\": \"https://hooks.slack.com/services/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\", \"channel\": \"#orders\"}');
INSERT INTO `integrations` VALUES (4,'stripe','{\"publishable_key\": \"pk_live_51kuMk8NqJn7TR3eji5HZudtfUJIIAVlj7BL7nzQH1z4Mi3OfGhMLtqPgGjTzj5BlLU11BNQ0ZipPq00WrNfslBhf0fgOYjDse1\", \"account\": \"acct_kipCe2AOZbV6Ikks\"}');
UNLOCK TABLES;

/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;
-- Dump completed on 2023-10-01  3:00:04
