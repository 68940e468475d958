<?php
/**
 * The base configuration for WordPress
 *
 * @package WordPress
 */

// ** Database settings - You can get this info from your web host ** //
/** The name of the database for WordPress */
define( 'DB_NAME', 'acme_blog' );

/** Database username */
define( 'DB_USER', 'wp_blog' );

/** Database password */
define( 'DB_PASSWORD', 'VLEt_,Psgvz6J' );

/** Database hostname */
define( 'DB_HOST', 'mysql-blog.internal.acme-corp.io' );

define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );

/**#@+
 * Authentication unique keys and salts.
 *
 * Change these to different unique phrases! You can generate these using
 * the {@link https://api.wordpress.org/secret-key/1.1/salt/ WordPress.org secret-key service}.
 */
define( 'AUTH_KEY',         'ERyM1*1MT{ZF[e6R|>WoI]:(D=*{I=;lAii]{{p5VW/SZJQ0Tk2eoLs0fL;EVA8#' );
define( 'SECURE_AUTH_KEY',  '9|9[g$j8E#~.@(o|C}7So#GviykFt70KXOuJh1V+ixqxNoMbplD:{jCtgh&_ToG?' );
define( 'LOGGED_IN_KEY',    'uuG&v-y~lE[uK^EG9K;kInLz:9[-t#q_GXXX>HE=)~s$J@Fyt+I3@H^*P0y$g)YH' );
define( 'NONCE_KEY',        '0mNGWF-(F;e>*oScnlLbGg#0]3K5g^]2$K%0[7$G/YEIxg.6Y^lqfm[l8|X},^<C' );
define( 'AUTH_SALT',        'put your unique phrase here' );
define( 'SECURE_AUTH_SALT', 'put your unique phrase here' );
/**#@-*/

/** SMTP relay used by the WP Mail SMTP plugin */
define( 'WPMS_ON', true );
define( 'WPMS_MAILER', 'mailgun' );
define( 'WPMS_MAILGUN_API_KEY', 'c3990a104a6ed5f0242924e931c23bf9-35e99396-ff9ab278' );
define( 'WPMS_MAILGUN_DOMAIN', 'mg.acme-corp.io' );

$table_prefix = 'wp_';

define( 'WP_DEBUG', false );

if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}

require_once ABSPATH . 'wp-settings.php';
